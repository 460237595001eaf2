// Deals migrated from process version 1 to the test's version 2 (fixtures/process-version-v2.ts),
// scripted for the migration test and for the process-version-migrated history. No jest here.

import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { migrateProcessVersionUpdate, type MigrationResult } from '../../workflows/opportunity-migration';
import type { MilestoneKey } from '../../workflows/psm-process';
import { ACTORS, type DealDriver, type Harness } from './helpers';
import { actorFor } from './scenarios';
import { FROM_VERSION, registerTestProcessV2, TEST_VERSION } from './fixtures/process-version-v2';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflows with version 2 registered, bundled once per process. */
export function v2WorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  registerTestProcessV2(); // this process too: the fake clock check and the test's own look-ups
  bundle ??= bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'fixtures/process-version-v2-workflows.ts'),
    logger: silent,
  });
  return bundle;
}

export async function migrate(
  deal: DealDriver,
  toVersion: number,
  options: { dryRun?: boolean; requestId?: string; actor?: typeof ACTORS.admin | typeof ACTORS.rep } = {},
): Promise<MigrationResult> {
  const result = await deal.handle.executeUpdate(migrateProcessVersionUpdate, {
    args: [
      {
        requestId: options.requestId ?? `migrate-${Math.random().toString(36).slice(2)}`,
        actor: options.actor ?? ACTORS.admin,
        toVersion,
        ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
      },
    ],
  });
  return result;
}

/** Passes the milestone's gate in the deal's own version, if it has one (requested, then approved). */
export async function passGateIn(deal: DealDriver, key: string): Promise<void> {
  const milestone = (await deal.state()).milestones.find((m) => m.key === key);
  if (!milestone?.approvalGate || milestone.approvalGate.status === 'approved') return;
  const { approvalId } = await deal.command('requestApproval', ACTORS.rep, {
    kind: 'milestone_gate',
    milestone: key as MilestoneKey,
    reason: `Ready for ${key}: the customer confirmed it in writing.`,
  });
  const approval = (await deal.state()).approvals.find((a) => a.id === approvalId);
  await deal.command('decideApproval', actorFor(approval?.approverId ?? ''), {
    approvalId: approvalId ?? '',
    decision: 'approved',
    comment: 'Go',
  });
}

/** Completes a milestone of the deal's own version, meeting its rule (plus any `extra` keys). */
export async function completeIn(deal: DealDriver, key: string, extra: string[] = []) {
  const milestone = (await deal.state()).milestones.find((m) => m.key === key);
  if (!milestone) throw new Error(`the deal's version has no milestone ${key}`);
  const keys = milestone.criteria.map((c) => c.key);
  return deal.command('completeMilestone', ACTORS.rep, {
    milestone: key as MilestoneKey,
    criteriaMet: [...(milestone.rule === 'all' ? keys : keys.slice(0, 1)), ...extra],
    evidence: `Evidence for ${key}: minutes of the meeting with the customer.`,
  });
}

/**
 * Completes every milestone of the deal's own version up to and including `last`, passing gates on
 * the way (the deal's order, so a version with a milestone inserted walks through it too).
 */
export async function reach(h: Harness, deal: DealDriver, last: MilestoneKey): Promise<void> {
  const order = (await deal.state()).milestones.map((m) => m.key);
  if (!order.includes(last)) throw new Error(`the deal's version has no milestone ${last}`);
  for (const key of order) {
    await passGateIn(deal, key);
    await completeIn(deal, key);
    await h.advance('2d');
    if (key === last) return;
  }
}

/**
 * The recorded scenario: a deal at 技术突破2 on version 1 goes quiet for 20 days, is migrated to
 * version 2 (its clocks restart), then completes 商务突破 through the new gate and is won.
 */
export async function migratedDealScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({
    name: 'Ningbo port cranes',
    account: 'Ningbo Port Group',
    processVersion: FROM_VERSION,
  });
  await reach(h, deal, 'technical_breakthrough_2');
  await h.advance('20d');
  await migrate(deal, TEST_VERSION, { dryRun: true, requestId: 'migrate-dry' });
  await migrate(deal, TEST_VERSION, { requestId: 'migrate-real' });
  await h.advance('3d');
  await passGateIn(deal, 'business_breakthrough');
  await completeIn(deal, 'business_breakthrough');
  await h.advance('2d');
  await completeIn(deal, 'contract_signed');
  for (const item of ['delivery_handover', 'satisfaction_check', 'next_opportunity']) {
    await deal.command('setChecklistItem', ACTORS.rep, { milestone: 'contract_execution', item, done: true });
  }
  return deal;
}
