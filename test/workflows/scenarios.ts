// Representative deals, scripted day by day. The lifecycle tests run them and assert on what came
// out; record-histories.ts runs them to capture the histories the replay test guards.
// Scenarios only drive: no jest here, so the recorder can run them as a plain script.

import { PSM_PROCESS, type MilestoneKey, type SalesMilestoneDefinition } from '../../workflows/psm-process';
import type { Actor } from '../../workflows/opportunity-types';
import { reportingLineChangedSignal } from '../../workflows/opportunity-messages';
import { ACTORS, USERS, waitUntil, type DealDriver, type Harness } from './helpers';

/** The criteria a rep ticks to satisfy a milestone's rule: all of them, or the first for 'any'. */
export function criteriaFor(milestone: MilestoneKey): string[] {
  const definition = PSM_PROCESS.milestones.find((m) => m.key === milestone);
  if (!definition) throw new Error(`unknown milestone ${milestone}`);
  const keys = definition.criteria.map((c) => c.key as string);
  return definition.rule === 'all' ? keys : keys.slice(0, 1);
}

export function complete(deal: DealDriver, milestone: MilestoneKey, actor: Actor = ACTORS.rep) {
  return deal.command('completeMilestone', actor, {
    milestone,
    criteriaMet: criteriaFor(milestone),
    evidence: `Evidence for ${milestone}: minutes of the meeting with the customer.`,
    links: [`https://crm.example.com/notes/${milestone}`],
  });
}

/** The milestones the definition gates with a company approval, in process order. */
export function gatedMilestones(): MilestoneKey[] {
  return PSM_PROCESS.milestones
    .filter((m) => (m as SalesMilestoneDefinition).approvalGate !== null)
    .map((m) => m.key);
}

/** The first gated milestone: where a fresh deal asks for its first approval. */
export function firstGate(): MilestoneKey {
  const first = gatedMilestones()[0];
  if (!first) throw new Error('the process definition has no approval gate');
  return first;
}

export async function requestGate(
  deal: DealDriver,
  actor: Actor = ACTORS.rep,
  milestone: MilestoneKey = firstGate(),
): Promise<string> {
  const result = await deal.command('requestApproval', actor, {
    kind: 'milestone_gate',
    milestone,
    reason: 'Need and value fit confirmed with the customer’s IT director.',
  });
  if (!result.approvalId) throw new Error('requestApproval returned no approvalId');
  return result.approvalId;
}

/** The test actor who is `userId` (approvers are always one of them). */
export function actorFor(userId: string): Actor {
  const actor = Object.values(ACTORS).find((a) => a.userId === userId);
  if (!actor) throw new Error(`no test actor is ${userId}`);
  return actor;
}

/**
 * If the definition gates `milestone` and its gate is not approved yet, asks for it and has its
 * approver (whoever the deal routed it to) approve it. Returns the approval id, or null (no gate).
 */
export async function passGate(
  deal: DealDriver,
  milestone: MilestoneKey,
  actor: Actor = ACTORS.rep,
): Promise<string | null> {
  const definition = PSM_PROCESS.milestones.find((m) => m.key === milestone) as
    SalesMilestoneDefinition | undefined;
  if (!definition?.approvalGate) return null;
  const latest = (await deal.state()).approvals
    .filter((a) => a.kind === 'milestone_gate' && a.milestone === milestone)
    .at(-1);
  if (latest?.status === 'approved') return latest.id;
  const id = latest?.status === 'pending' ? latest.id : await requestGate(deal, actor, milestone);
  const pending = (await deal.state()).approvals.find((a) => a.id === id);
  await deal.command('decideApproval', actorFor(pending?.approverId ?? USERS.manager), {
    approvalId: id,
    decision: 'approved',
    comment: 'Go',
  });
  return id;
}

/** Completes a milestone, passing its approval gate first when the definition has one there. */
export async function completeThroughGate(
  deal: DealDriver,
  milestone: MilestoneKey,
  actor: Actor = ACTORS.rep,
) {
  await passGate(deal, milestone, actor);
  return complete(deal, milestone, actor);
}

/** Logs a call that happened just now on the server's clock (skipped time included). */
export async function logCall(
  h: Harness,
  deal: DealDriver,
  note = 'Weekly call with the project lead.',
  actor: Actor = ACTORS.rep,
) {
  const occurredAt = new Date(await h.env.currentTimeMs()).toISOString();
  return deal.command('logActivity', actor, { kind: 'call', occurredAt, note });
}

/**
 * Days a disciplined rep spends on each milestone when the process allows it (project initiation
 * on day 2, deep engagement 12 days later, ...: about 90 days to a signed contract).
 */
const PREFERRED_DAYS_ON_MILESTONE = [2, 12, 19, 22, 17, 16];

/**
 * The day each milestone is completed in a deal that stays inside every clock of the definition:
 * each step takes the preferred days, but always at least a day less than the stall SLA of the
 * stage the deal sits in (a deal is at project initiation until it reaches deep engagement) and,
 * once the contract window is open, than the window (its working days never outnumber calendar
 * days). Retune an SLA and the deal moves faster; it never stalls.
 */
export function withinSlaSchedule(): [number, MilestoneKey][] {
  const milestones = PSM_PROCESS.milestones as readonly SalesMilestoneDefinition[];
  const windowFrom = milestones.findIndex((m) => m.key === PSM_PROCESS.contractWindow.from);
  let day = 0;
  return PSM_PROCESS.milestones.map((milestone, i) => {
    const stage = milestones[Math.max(i - 1, 0)];
    const limits = [stage?.stallSlaDays ?? null];
    if (windowFrom >= 0 && i - 1 >= windowFrom) limits.push(PSM_PROCESS.contractWindow.workingDays);
    const caps = limits.filter((d): d is number => d !== null).map((d) => d - 1);
    day += Math.max(1, Math.min(PREFERRED_DAYS_ON_MILESTONE[i] ?? 7, ...caps));
    return [day, milestone.key];
  });
}

/** How often the disciplined rep logs a call: every 4 days, or more often if a cadence is shorter. */
export function activityEveryDays(): number {
  const cadences = (PSM_PROCESS.milestones as readonly SalesMilestoneDefinition[])
    .map((m) => m.followUpCadenceDays)
    .filter((d): d is number => d !== null);
  return Math.max(1, Math.min(4, ...cadences.map((d) => d - 1)));
}

/** The day the manager approves the first gate: before the reminder would go out. */
export function gateDecisionDay(): number {
  return PSM_PROCESS.approvals.reminderAfterDays > 1 ? 1 : 0;
}

/**
 * A disciplined rep's deal: about 90 days from first contact to a signed contract, an activity
 * logged inside every follow-up cadence, every milestone inside its SLA (withinSlaSchedule), every
 * gate approved by its approver, then the handover checklist done.
 */
export const WON_DEAL_MILESTONE_DAYS: ReadonlyArray<[number, MilestoneKey]> = withinSlaSchedule();

export async function wonDealScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({
    name: 'Suzhou water SCADA',
    account: 'Suzhou Water Affairs',
    amount: 480_000,
  });
  await deal.command('upsertStakeholder', ACTORS.rep, {
    name: 'Director Qian',
    title: 'IT director',
    role: 'decision_maker',
    stance: 'sponsor',
  });
  await requestGate(deal);
  const decideOn = gateDecisionDay();
  // The gate's approver (whoever the deal routed it to) approves it with the comment 'Go'.
  const approveFirstGate = () => passGate(deal, firstGate());
  if (decideOn === 0) await approveFirstGate();
  const schedule = withinSlaSchedule();
  const milestoneOn = new Map(schedule.map(([day, key]) => [day, key]));
  const lastDay = schedule.at(-1)?.[0] ?? 0;
  const every = activityEveryDays();
  for (let day = 1; day <= lastDay; day += 1) {
    await h.advance('1d');
    if (day === decideOn) await approveFirstGate();
    if (day % every === 0) await logCall(h, deal);
    const milestone = milestoneOn.get(day);
    if (milestone) await completeThroughGate(deal, milestone);
  }
  for (const item of PSM_PROCESS.execution.checklist) {
    await deal.command('setChecklistItem', ACTORS.rep, {
      milestone: 'contract_execution',
      item: item.key,
      done: true,
    });
  }
  return deal;
}

/**
 * A deal that goes wrong and comes back: a big-deal gate approval chased up the chain, a rep who
 * goes quiet (follow-up, then the stall ladder), a hold, a loss, a reopen and an approved skip.
 */
export async function troubledDealScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: 'Ningbo port cranes', account: 'Ningbo Port', amount: 2_400_000 });
  const gate = await requestGate(deal);
  await h.advance('2d'); // reminder to the director (big deal)
  await h.advance('3d'); // escalated to the director's manager
  await h.advance('1d');
  await deal.command('decideApproval', ACTORS.vp, {
    approvalId: gate,
    decision: 'approved',
    comment: 'Strategic account',
  });
  await h.advance('15d'); // follow-up reminders, stall to the manager (day 14), director (day 21)
  await deal.command('hold', ACTORS.manager, { reason: 'Customer budget frozen until next quarter' });
  await h.advance('30d');
  await deal.command('resume', ACTORS.manager, {});
  await h.advance('8d');
  await deal.command('markLost', ACTORS.rep, { reason: 'Budget moved to another project' });
  await h.advance('10d');
  await deal.command('reopen', ACTORS.manager, { reason: 'Budget restored' });
  await complete(deal, 'project_initiation');
  const skip = await deal.command('requestApproval', ACTORS.rep, {
    kind: 'skip_milestone',
    milestone: 'deep_engagement',
    reason: 'Decision structure already known from the previous round',
  });
  await deal.command('decideApproval', ACTORS.director, {
    approvalId: skip.approvalId ?? '',
    decision: 'approved',
  });
  await complete(deal, 'technical_breakthrough_1');
  return deal;
}

export const DECIDED_BEFORE_CONTINUE_AS_NEW = 'decide-gate-before-continue-as-new';

/** A deal forced to continue-as-new after a few commands, still working afterwards. */
export async function continuedDealScenario(h: Harness, historyLengthLimit = 40): Promise<DealDriver> {
  const deal = await h.startDeal({
    name: 'Wuxi hospital HIS',
    account: 'Wuxi People’s Hospital',
    historyLengthLimit,
  });
  const gate = await requestGate(deal);
  await deal.command(
    'decideApproval',
    ACTORS.manager,
    { approvalId: gate, decision: 'approved' },
    DECIDED_BEFORE_CONTINUE_AS_NEW,
  );
  await complete(deal, 'project_initiation');
  for (let i = 0; i < 8; i += 1) await logCall(h, deal, `Call ${i + 1}`);
  // Past the first stage's cadence: a reminder goes out, then a call.
  const cadence = (PSM_PROCESS.milestones[0] as SalesMilestoneDefinition).followUpCadenceDays ?? 7;
  await h.advance(`${cadence + 1}d`);
  await logCall(h, deal, 'After the reminder');
  return deal;
}

// ---- authorization rules (runs since patched('psm-authorization-rules')) -----------------------

/** A command the rules must refuse; the scenario goes on (a refusal in a handler is in history). */
async function expectRefusal(attempt: Promise<unknown>): Promise<void> {
  const refused = await attempt.then(
    () => false,
    () => true,
  );
  if (!refused) throw new Error('the rules should have refused this command');
}

/** A manager hands a deal outside their line (refused after the look-up), then to their own rep. */
export async function ownerChangeScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: 'Jiaxing grid metering', account: 'State Grid Jiaxing' });
  await expectRefusal(deal.command('updateDeal', ACTORS.manager, { ownerId: USERS.otherRep }));
  await expectRefusal(deal.command('updateDeal', ACTORS.manager, { ownerId: USERS.formerRep }));
  await deal.command('updateDeal', ACTORS.manager, { ownerId: USERS.teamRep });
  await logCall(h, deal, 'Handover call with the new owner', { userId: USERS.teamRep, role: 'rep' });
  return deal;
}

/** The gate asked while the deal looked small, then the amount raised: it goes to the director. */
export async function reroutedApprovalScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({
    name: 'Shaoxing textile MES',
    account: 'Shaoxing Textiles',
    amount: 600_000,
  });
  await requestGate(deal);
  await deal.command('updateDeal', ACTORS.rep, { amount: 2_400_000 });
  await waitUntil(async () => (await deal.state()).approvals.some((a) => a.status === 'pending'));
  const pending = (await deal.state()).approvals.find((a) => a.status === 'pending');
  await h.advance('1d');
  await deal.command('decideApproval', ACTORS.director, {
    approvalId: pending?.id ?? '',
    decision: 'approved',
  });
  await complete(deal, 'project_initiation');
  return deal;
}

/**
 * The gate asked and approved by the manager while the deal looked small, then the amount raised:
 * the approval no longer counts and goes to the director, who approves; the milestone follows.
 * Recorded after patched('psm-void-approved-on-change').
 */
export async function approvedFollowsDealScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({
    name: 'Wenzhou valve plant IoT',
    account: 'Wenzhou Valves',
    amount: 600_000,
  });
  const gate = await requestGate(deal);
  await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
  await h.advance('1d');
  await deal.command('updateDeal', ACTORS.rep, { amount: 2_400_000 });
  await expectRefusal(complete(deal, 'project_initiation'));
  const pending = (await deal.state()).approvals.find((a) => a.status === 'pending');
  await deal.command('decideApproval', ACTORS.director, {
    approvalId: pending?.id ?? '',
    decision: 'approved',
  });
  await complete(deal, 'project_initiation');
  return deal;
}

/** A manager asks for the gate on their rep's deal: the director decides it, never the manager. */
export async function selfApprovalScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: 'Huzhou logistics WMS', account: 'Huzhou Logistics' });
  const gate = await requestGate(deal, ACTORS.manager);
  await expectRefusal(
    deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' }),
  );
  await deal.command('decideApproval', ACTORS.director, { approvalId: gate, decision: 'approved' });
  await complete(deal, 'project_initiation', ACTORS.manager);
  return deal;
}

/**
 * The rep moves to another manager while the gate waits on the old one: the reorganisation signal
 * makes the deal re-read the line, re-route the gate, and let the new manager act at once.
 */
export async function reorganisationScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: 'Taizhou pharma QMS', account: 'Taizhou Pharma' });
  await requestGate(deal);
  await h.advance('1d');
  h.fakes.moveInDirectory(USERS.rep, [USERS.otherManager, USERS.director, USERS.vp]);
  try {
    await deal.handle.signal(reportingLineChangedSignal, { userId: USERS.rep });
    await waitUntil(async () => (await deal.state()).reportingLine?.managerId === USERS.otherManager);
    const pending = (await deal.state()).approvals.find((a) => a.status === 'pending');
    await deal.command('decideApproval', ACTORS.otherManager, {
      approvalId: pending?.id ?? '',
      decision: 'approved',
    });
    await logCall(h, deal, 'First call with the new manager', ACTORS.otherManager);
  } finally {
    h.fakes.moveInDirectory(USERS.rep, [USERS.manager, USERS.director, USERS.vp]);
  }
  return deal;
}

/**
 * The approval request mail is reported resent after an attempt that may have delivered it (a
 * worker died after the server's 250): the deal journals notification_possibly_duplicated.
 * Recorded after patched('psm-mail-possibly-duplicated').
 */
export async function possiblyDuplicatedMailScenario(h: Harness): Promise<DealDriver> {
  h.fakes.possiblyDuplicated = (request) => request.template === 'approval_request';
  try {
    const deal = await h.startDeal({ name: 'Jiaxing water SCADA', account: 'Jiaxing Water' });
    await requestGate(deal);
    await waitUntil(async () =>
      h.fakes.projectedEventsFor(deal.id).some((e) => e.type === 'notification_possibly_duplicated'),
    );
    return deal;
  } finally {
    h.fakes.possiblyDuplicated = () => false;
  }
}

/**
 * The approver's WeCom app was revoked: the approval request fell back to email, and the email
 * activity says which channel refused it (runs since patched('psm-channel-fallback-journal')).
 */
export async function channelFallbackScenario(h: Harness): Promise<DealDriver> {
  h.fakes.channelFailures = (request) =>
    request.template === 'approval_request' ? [{ channel: 'wecom_app', reason: 'app_revoked' }] : [];
  try {
    const deal = await h.startDeal({ name: 'Shaoxing metro CCTV', account: 'Shaoxing Metro' });
    await requestGate(deal);
    await waitUntil(async () =>
      h.fakes.projectedEventsFor(deal.id).some((e) => e.type === 'notification_channel_failed'),
    );
    return deal;
  } finally {
    h.fakes.channelFailures = () => [];
  }
}

// ---- search attributes (runs since patched('psm-search-attributes')) ---------------------------

/**
 * A deal that reaches business breakthrough, stalls there (PsmStalled true at the escalation),
 * changes amount and owner, and moves on (PsmStalled false): each change one upsert.
 */
export async function stalledDealScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: '宁波港智慧码头', account: '宁波舟山港集团' });
  const gate = await requestGate(deal);
  await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
  const stop = PSM_PROCESS.milestones.findIndex((m) => m.key === 'business_breakthrough');
  for (const milestone of PSM_PROCESS.milestones.slice(0, stop + 1))
    await completeThroughGate(deal, milestone.key);
  await logCall(h, deal);
  const sla = (PSM_PROCESS.milestones[stop] as SalesMilestoneDefinition | undefined)?.stallSlaDays ?? 30;
  await h.advance(`${sla}d`);
  await waitUntil(async () => (await deal.state()).stalled);
  await deal.command('updateDeal', ACTORS.manager, { amount: 450_000, ownerId: USERS.teamRep });
  await completeThroughGate(deal, 'contract_signed', { userId: USERS.teamRep, role: 'rep' });
  return deal;
}
