// Deals scripted to walk one path of the workflow each, so a recorded history covers it: stalls
// late in the process through both escalation levels, the contract window, a rejected gate asked
// again, hold and resume, lost and reopened, the run after continue-as-new, a completed deal. The
// recorder (record-histories.ts) saves them; history-coverage.test.ts checks that together the
// committed histories use every activity, command, signal, patch and notification.
// Every timing comes from the process definition, so a retuned SLA moves the script with it.
// No jest here, so the recorder can run them as a plain script.

import { PSM_PROCESS, type MilestoneKey, type SalesMilestoneDefinition } from '../../workflows/psm-process';
import { reportingLineChangedSignal } from '../../workflows/opportunity-messages';
import { ACTORS, USERS, waitUntil, type DealDriver, type Harness } from './helpers';
import { completeThroughGate, firstGate, logCall, passGate, requestGate } from './scenarios';

const milestones = PSM_PROCESS.milestones as readonly SalesMilestoneDefinition[];

function definitionOf(key: MilestoneKey): SalesMilestoneDefinition {
  const found = milestones.find((m) => m.key === key);
  if (!found) throw new Error(`unknown milestone ${key}`);
  return found;
}

/** Completes every milestone after the last one reached up to and including `last`, passing gates on the way. */
export async function completeUpTo(deal: DealDriver, last: MilestoneKey): Promise<void> {
  const { reachedIndex } = await deal.state();
  for (const milestone of PSM_PROCESS.milestones.slice(reachedIndex + 1)) {
    await completeThroughGate(deal, milestone.key);
    if (milestone.key === last) return;
  }
}

function mailsOf(h: Harness, deal: DealDriver, template: string) {
  return h.fakes.notificationsFor(deal.id).filter((n) => n.template === template);
}

/** Waits the stage's stall SLA and the director's delay, checking each level's mail went out. */
async function stallThroughBothLevels(h: Harness, deal: DealDriver, stage: MilestoneKey): Promise<void> {
  const sla = definitionOf(stage).stallSlaDays;
  if (sla === null) throw new Error(`${stage} has no stall SLA`);
  const before = mailsOf(h, deal, 'stall_escalation').length;
  await h.advance(`${sla}d`);
  await waitUntil(async () => (await deal.state()).escalationLevel === 1);
  await waitUntil(() => mailsOf(h, deal, 'stall_escalation').length > before);
  await deal.command('acknowledgeEscalation', ACTORS.manager, { subjectId: deal.id });
  await h.advance(`${PSM_PROCESS.stallEscalation.directorAfterDays}d`);
  await waitUntil(async () => (await deal.state()).escalationLevel === 2);
  await waitUntil(() =>
    mailsOf(h, deal, 'stall_escalation').some((m) => m.recipientUserId === USERS.director && m.level === 2),
  );
}

/**
 * A deal with its solution owner (SR) that stalls at technical breakthrough 2: the manager (and the
 * SR) hear at the SLA, the manager acknowledges, the director hears a week later; the SR leaves the
 * team and the deal moves on to business breakthrough.
 */
export async function technicalBreakthrough2StallScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: '常州地铁综合监控', account: '常州地铁集团', amount: 480_000 });
  await deal.command('assignTeamMember', ACTORS.rep, { userId: USERS.teamRep, role: 'SR' });
  await completeUpTo(deal, 'technical_breakthrough_2');
  await logCall(h, deal);
  await stallThroughBothLevels(h, deal, 'technical_breakthrough_2');
  await deal.command('removeTeamMember', ACTORS.rep, { userId: USERS.teamRep });
  await completeThroughGate(deal, 'business_breakthrough');
  return deal;
}

/**
 * A deal that stalls at business breakthrough through both levels and then misses its contract
 * window (counted in working days on the work calendar): the window's escalation goes out, and the
 * contract is signed after all.
 */
export async function businessBreakthroughStallScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: '南通港集装箱调度', account: '南通港集团', amount: 600_000 });
  await completeUpTo(deal, 'business_breakthrough');
  await logCall(h, deal);
  await stallThroughBothLevels(h, deal, 'business_breakthrough');
  const window = (await deal.state()).timers.find((t) => t.kind === 'contract_window');
  if (!window) throw new Error('businessBreakthroughStallScenario: no contract window armed');
  await h.advance(Date.parse(window.dueAt) - (await h.env.currentTimeMs()) + 60 * 60 * 1000);
  await waitUntil(() => mailsOf(h, deal, 'contract_window_escalation').length > 0);
  await completeThroughGate(deal, 'contract_signed');
  return deal;
}

/** The manager rejects the gate; the rep asks again with more evidence, it is approved, the milestone follows. */
export async function rejectedApprovalScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: '扬州医院HIS升级', account: '扬州市第一人民医院' });
  const first = await requestGate(deal);
  await deal.command('decideApproval', ACTORS.manager, {
    approvalId: first,
    decision: 'rejected',
    comment: 'Budget owner not identified yet',
  });
  await h.advance('1d');
  await logCall(h, deal, 'Met the budget owner with the IT director');
  await passGate(deal, firstGate());
  await completeUpTo(deal, firstGate());
  return deal;
}

/** On hold for longer than any clock (nothing fires), resumed: the clocks restart and the stall ladder fires. */
export async function holdResumeScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: '镇江化工园区安防', account: '镇江新区管委会' });
  await completeUpTo(deal, 'project_initiation');
  await deal.command('hold', ACTORS.manager, { reason: 'Customer reorganising its IT department' });
  const longest = Math.max(...milestones.map((m) => m.stallSlaDays ?? 0));
  await h.advance(`${longest + 1}d`);
  await deal.command('resume', ACTORS.manager, {});
  const sla = definitionOf('project_initiation').stallSlaDays ?? 14;
  await h.advance(`${sla}d`);
  await waitUntil(async () => (await deal.state()).escalationLevel === 1);
  await completeThroughGate(deal, 'deep_engagement');
  return deal;
}

/** Lost at deep engagement, reopened by the manager ten days later, and moving again. */
export async function lostReopenScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: '盐城风电场SCADA', account: '盐城新能源集团' });
  await completeUpTo(deal, 'deep_engagement');
  await deal.command('markLost', ACTORS.rep, { reason: 'Customer chose the incumbent' });
  await h.advance('10d');
  await deal.command('reopen', ACTORS.manager, { reason: 'Incumbent failed the acceptance test' });
  await logCall(h, deal, 'Restart call with the IT director');
  await completeThroughGate(deal, 'technical_breakthrough_1');
  return deal;
}

/**
 * A deal whose owner the directory does not know when it starts (reporting_line_missing): its
 * follow-up reminder fails for good (notification_failed), and its stall has nobody to go to
 * (escalation_skipped). The owner is back in the directory afterwards.
 */
export async function missingLineScenario(h: Harness): Promise<DealDriver> {
  const restore = h.fakes.removeFromDirectory(USERS.rep);
  h.fakes.failsForGood = (request) => request.template === 'follow_up_reminder';
  try {
    const deal = await h.startDeal({ name: '淮安污水厂自控', account: '淮安水务集团' });
    await waitUntil(async () => (await deal.state()).events.some((e) => e.type === 'reporting_line_missing'));
    const first = milestones[0] as SalesMilestoneDefinition;
    const cadence = first.followUpCadenceDays ?? 7;
    await h.advance(`${cadence}d`);
    await waitUntil(async () => (await deal.state()).events.some((e) => e.type === 'notification_failed'));
    await h.advance(`${Math.max(1, (first.stallSlaDays ?? cadence) - cadence)}d`);
    await waitUntil(async () => (await deal.state()).events.some((e) => e.type === 'escalation_skipped'));
    return deal;
  } finally {
    h.fakes.failsForGood = () => false;
    restore();
  }
}

/**
 * The gate waits on the manager when the rep is moved to a line with nobody above them: nobody may
 * decide it any more, so the reorganisation voids it (approval_voided); back in a line, the rep
 * asks again and the new manager approves.
 */
export async function voidedApprovalScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: '连云港码头闸口', account: '连云港港口集团' });
  await requestGate(deal);
  await h.advance('1d');
  h.fakes.moveInDirectory(USERS.rep, []);
  try {
    await deal.handle.signal(reportingLineChangedSignal, { userId: USERS.rep });
    await waitUntil(async () => (await deal.state()).events.some((e) => e.type === 'approval_voided'));
  } finally {
    h.fakes.moveInDirectory(USERS.rep, [USERS.otherManager, USERS.director, USERS.vp]);
  }
  await deal.handle.signal(reportingLineChangedSignal, { userId: USERS.rep });
  await waitUntil(async () => (await deal.state()).reportingLine?.managerId === USERS.otherManager);
  await completeUpTo(deal, firstGate());
  h.fakes.moveInDirectory(USERS.rep, [USERS.manager, USERS.director, USERS.vp]);
  return deal;
}

/**
 * The rep moves to another manager and nobody signals it: the deal notices at its next clock check
 * (reporting_line_changed, trigger clock_check), re-routes the waiting gate, and the stall goes to
 * the new manager, who approves.
 */
export async function reorganisationAtClockCheckScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({ name: '泰州港散货码头', account: '泰州港务集团' });
  await requestGate(deal);
  h.fakes.moveInDirectory(USERS.rep, [USERS.otherManager, USERS.director, USERS.vp]);
  try {
    const sla = (milestones[0] as SalesMilestoneDefinition).stallSlaDays ?? 14;
    await h.advance(`${sla}d`);
    await waitUntil(async () => (await deal.state()).reportingLine?.managerId === USERS.otherManager);
    await waitUntil(() =>
      mailsOf(h, deal, 'stall_escalation').some((m) => m.recipientUserId === USERS.otherManager),
    );
    await passGate(deal, firstGate());
  } finally {
    h.fakes.moveInDirectory(USERS.rep, [USERS.manager, USERS.director, USERS.vp]);
  }
  return deal;
}

/**
 * A deal that continues-as-new in the very activation its stall fires, so the second run starts
 * with a queued mail AND an unprojected event (the stall's sla_breached): its first activation
 * schedules both I/O loops' activities at once, and their order is in history. The history
 * length limit is chosen so the limit is first reached by the stall's wake-up (measured on the
 * code of the day with no limit: the workflow task before that wake-up started at event 60, the
 * wake-up's at 66; the scenario checks the carried state and throws if the timing drifted).
 */
export const STALL_CONTINUES_AS_NEW_LIMIT = 63;

export async function continuedWithQueuedMailScenario(
  h: Harness,
  historyLengthLimit = STALL_CONTINUES_AS_NEW_LIMIT,
): Promise<DealDriver> {
  const deal = await h.startDeal({
    name: 'Nantong port crane retrofit',
    account: 'Nantong Port Group',
    historyLengthLimit,
  });
  const sla = (milestones[0] as SalesMilestoneDefinition).stallSlaDays;
  if (sla === null || sla === undefined) throw new Error('the first milestone has no stall SLA');
  await h.advance(`${sla}d`);
  await waitUntil(() => mailsOf(h, deal, 'stall_escalation').length > 0);
  const describe = await deal.handle.describe();
  if (describe.runId === deal.handle.firstExecutionRunId)
    throw new Error('the deal did not continue-as-new: adjust STALL_CONTINUES_AS_NEW_LIMIT');
  const history = await deal.handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0]?.data;
  if (!payload) throw new Error('the second run has no start input');
  const input = JSON.parse(Buffer.from(payload).toString('utf8')) as {
    carried?: { outbox: unknown[]; seq: number; projectedSeq: number };
  };
  const carried = input.carried;
  if (!carried || carried.outbox.length === 0 || carried.projectedSeq >= carried.seq)
    throw new Error(
      `the second run did not start with a queued mail and an unprojected event (outbox ${carried?.outbox.length}, ` +
        `seq ${carried?.seq}, projected ${carried?.projectedSeq}): adjust STALL_CONTINUES_AS_NEW_LIMIT`,
    );
  await waitUntil(async () => deal.readModelSeq() === (await deal.state()).seq);
  return deal;
}
