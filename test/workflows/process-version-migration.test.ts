// Migrating running deals between process versions (issue 17) on the Temporal test server: deals
// on version 1 at several milestones move to the test's version 2 (方案评审 inserted between
// 技术突破1 and 技术突破2, a gate at 商务突破, a new criterion at 深度接触) by the
// migrateProcessVersion Update; a deal not migrated keeps running on version 1.

import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { ACTORS, useHarness, type DealDriver } from './helpers';
import { readHistoryFile } from './history-files';
import { milestoneIndexIn, processVersion } from '../../workflows/process-versions';
import { FROM_VERSION, TEST_V2_DEFINITION, TEST_VERSION } from './fixtures/process-version-v2';
import {
  completeIn,
  migrate,
  migratedDealScenario,
  passGateIn,
  reach,
  v2WorkflowBundle,
} from './process-version-scenarios';

jest.setTimeout(60_000);

const index = (v: number, key: string) =>
  milestoneIndexIn(processVersion(v)?.definition ?? TEST_V2_DEFINITION, key);
/** Positions in the committed latest version and in the test's version (keys are what count). */
const OLD = { tb2: index(FROM_VERSION, 'technical_breakthrough_2') };
const NEW = {
  tb1: milestoneIndexIn(TEST_V2_DEFINITION, 'technical_breakthrough_1'),
  tb2: milestoneIndexIn(TEST_V2_DEFINITION, 'technical_breakthrough_2'),
};

const h = useHarness({ workflowBundle: v2WorkflowBundle });

async function refusal(promise: Promise<unknown>): Promise<{ type?: string; details?: unknown }> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: { type?: string; details?: unknown[] } }).cause;
    return { type: cause?.type, details: cause?.details?.[0] };
  }
  throw new Error('expected a refusal');
}

/** Completes the deal's next milestones in its own version's order, through `last`. */
async function completeThrough(deal: DealDriver, last: string): Promise<void> {
  const view = await deal.state();
  const order = view.milestones.map((m) => m.key as string);
  const from = view.nextMilestone ? order.indexOf(view.nextMilestone) : -1;
  if (from < 0 || order.indexOf(last) < from) throw new Error(`${last} is not ahead of the deal`);
  for (const key of order.slice(from, order.indexOf(last) + 1)) {
    await passGateIn(deal, key);
    await completeIn(deal, key);
  }
}

const milestoneOf = async (deal: DealDriver) => {
  const view = await deal.state();
  return { key: view.milestone, index: view.milestoneIndex, version: view.processVersion };
};

test('a new deal starts on the version it is given; one without runs on the latest committed one', async () => {
  const onV2 = await h.startDeal({ processVersion: TEST_VERSION });
  const plain = await h.startDeal();
  expect((await onV2.state()).processVersion).toBe(TEST_VERSION);
  expect((await onV2.state()).milestones.map((m) => m.key)).toContain('test_solution_review');
  expect((await plain.state()).processVersion).toBe(FROM_VERSION);
  expect((await plain.state()).milestones.map((m) => m.key)).not.toContain('test_solution_review');
});

test('deals at several milestones migrate by key; a deal not migrated keeps running on version 1', async () => {
  const atDeep = await h.startDeal({ name: 'at deep engagement' });
  const atTb1 = await h.startDeal({ name: 'at tb1' });
  const atTb2 = await h.startDeal({ name: 'at tb2' });
  const stays = await h.startDeal({ name: 'not migrated' });
  await reach(h, atDeep, 'deep_engagement');
  await reach(h, atTb1, 'technical_breakthrough_1');
  await reach(h, atTb2, 'technical_breakthrough_2');
  await reach(h, stays, 'technical_breakthrough_1');
  await h.advance('10d');

  // A dry run says what would happen and changes nothing.
  const seqBefore = (await atTb2.state()).seq;
  const dry = await migrate(atTb2, TEST_VERSION, { dryRun: true });
  expect(dry).toMatchObject({ dryRun: true, changed: false });
  expect(dry.plan.steps).toEqual([
    {
      fromVersion: FROM_VERSION,
      toVersion: TEST_VERSION,
      milestone: { from: 'technical_breakthrough_2', to: 'technical_breakthrough_2' },
      milestoneIndex: { from: OLD.tb2, to: NEW.tb2 },
      mustMeet: [],
      clocks: 'rearm',
    },
  ]);
  expect(await milestoneOf(atTb2)).toEqual({
    key: 'technical_breakthrough_2',
    index: OLD.tb2,
    version: FROM_VERSION,
  });
  expect((await atTb2.state()).seq).toBe(seqBefore);

  const stallBefore = (await atTb2.state()).timers.find((t) => t.kind === 'stall');
  const real = await migrate(atTb2, TEST_VERSION, { requestId: 'tb2-once' });
  expect(real).toMatchObject({ dryRun: false, changed: true });
  const again = await migrate(atTb2, TEST_VERSION, { requestId: 'tb2-once' });
  expect(again.seq).toBe(real.seq);
  const tb2 = await atTb2.state();
  expect({ key: tb2.milestone, index: tb2.milestoneIndex, version: tb2.processVersion }).toEqual({
    key: 'technical_breakthrough_2',
    index: NEW.tb2,
    version: TEST_VERSION,
  });
  expect(tb2.nextMilestone).toBe('business_breakthrough');
  expect(tb2.events.filter((e) => e.type === 'process_version_migrated')).toHaveLength(1);
  // Clocks re-armed from the migration: the stall is due a full SLA after it, later than before.
  const stallAfter = tb2.timers.find((t) => t.kind === 'stall');
  expect(Date.parse(stallAfter?.dueAt ?? '')).toBeGreaterThan(Date.parse(stallBefore?.dueAt ?? ''));
  expect(tb2.stageEnteredAt).toBe(tb2.events.at(-1)?.occurredAt);
  // The new gate at 商务突破 applies: no completion without it.
  expect((await refusal(completeIn(atTb2, 'business_breakthrough'))).type).toBe('APPROVAL_REQUIRED');
  await passGateIn(atTb2, 'business_breakthrough');
  await completeIn(atTb2, 'business_breakthrough');
  expect((await atTb2.state()).milestone).toBe('business_breakthrough');

  // At 技术突破1: stays; the next milestone is now 方案评审.
  await migrate(atTb1, TEST_VERSION);
  expect(await milestoneOf(atTb1)).toEqual({
    key: 'technical_breakthrough_1',
    index: NEW.tb1,
    version: TEST_VERSION,
  });
  const skipAhead = await refusal(completeIn(atTb1, 'technical_breakthrough_2'));
  expect(skipAhead).toMatchObject({
    type: 'MILESTONE_OUT_OF_ORDER',
    details: { expected: 'test_solution_review' },
  });
  await completeThrough(atTb1, 'technical_breakthrough_2');
  expect(await milestoneOf(atTb1)).toEqual({
    key: 'technical_breakthrough_2',
    index: NEW.tb2,
    version: TEST_VERSION,
  });

  // At 深度接触: owes the new criterion at its next completion.
  await migrate(atDeep, TEST_VERSION);
  const deep = await atDeep.state();
  expect(deep.owedCriteria).toEqual({ milestone: 'deep_engagement', keys: ['test_executive_visit_done'] });
  const owed = await refusal(completeIn(atDeep, 'technical_breakthrough_1'));
  expect(owed).toMatchObject({
    type: 'CRITERIA_NOT_MET',
    details: { missing: ['test_executive_visit_done'] },
  });
  await completeIn(atDeep, 'technical_breakthrough_1', ['test_executive_visit_done']);
  const deepAfter = await atDeep.state();
  expect(deepAfter.owedCriteria).toBeNull();
  expect(deepAfter.nextMilestone).toBe('test_solution_review');

  // Not migrated: still on the version it started on, which has no 方案评审 of the test's.
  await completeThrough(stays, 'technical_breakthrough_2');
  expect(await milestoneOf(stays)).toEqual({
    key: 'technical_breakthrough_2',
    index: OLD.tb2,
    version: FROM_VERSION,
  });
});

test('the Update refuses unknown versions, downgrades and callers who are not process owners', async () => {
  const deal = await h.startDeal({ processVersion: TEST_VERSION });
  expect(await refusal(migrate(deal, TEST_VERSION + 1))).toMatchObject({ type: 'PROCESS_VERSION_UNKNOWN' });
  expect(await refusal(migrate(deal, FROM_VERSION))).toMatchObject({
    type: 'PROCESS_VERSION_DOWNGRADE',
    details: { currentVersion: TEST_VERSION, toVersion: FROM_VERSION },
  });
  const v1 = await h.startDeal();
  expect(await refusal(migrate(v1, TEST_VERSION, { actor: ACTORS.rep }))).toMatchObject({
    type: 'FORBIDDEN',
  });
  expect((await v1.state()).processVersion).toBe(FROM_VERSION);
  // On the target already: nothing to do, nothing journalled.
  const same = await migrate(deal, TEST_VERSION);
  expect(same).toMatchObject({ changed: false, plan: { changes: false } });
});

const HISTORY = path.join(__dirname, '../histories/process-versions/process-version-migrated.json');

/**
 * The recorded history on the versions it was recorded with (version 1 and the test's version 2:
 * fixtures/process-version-recorded-workflows.ts), built from what the module holds now; and on the
 * same once the module has gained a version of its own (a stand-in registered first), which must
 * not change what the history replays to.
 */
const recordedBundle = (fixture: string) =>
  bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'fixtures', fixture),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });

test.each(['process-version-recorded-workflows.ts', 'process-version-gained-workflows.ts'])(
  'the recorded migration history replays on the versions it was recorded with (%s)',
  async (fixture) => {
    expect(fs.existsSync(HISTORY)).toBe(true);
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await recordedBundle(fixture) },
        readHistoryFile(HISTORY),
        'process-version-migrated',
      ),
    ).resolves.toBeUndefined();
  },
);

test('the recorded scenario still runs to the end', async () => {
  const deal = await migratedDealScenario(h);
  await expect(deal.handle.result()).resolves.toMatchObject({ processVersion: TEST_VERSION, status: 'won' });
});
