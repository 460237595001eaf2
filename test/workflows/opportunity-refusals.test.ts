// Every rule the workflow enforces refuses with its error code and leaves no trace: the state is
// unchanged and not a single event is added to the workflow history.

import type { MilestoneKey } from '../../workflows/psm-process';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { ACTORS, useHarness, refusalOf, waitUntil, type DealDriver } from './helpers';
import { complete, completeThroughGate, criteriaFor, requestGate } from './scenarios';

const h = useHarness();

async function historyLength(deal: DealDriver): Promise<number> {
  return (await deal.handle.fetchHistory()).events?.length ?? 0;
}

/**
 * Events other than workflow-task bookkeeping. A rejected Update never records anything; the
 * time-skipping test server still persists the workflow task that ran the validator (a real
 * server runs it as a speculative task and drops it), so those three events are not counted.
 */
async function recordedEvents(deal: DealDriver): Promise<number[]> {
  const events = (await deal.handle.fetchHistory()).events ?? [];
  return events.map((e) => Number(e.eventType)).filter((type) => !WORKFLOW_TASK_EVENT_TYPES.has(type));
}

/** EventType values of WORKFLOW_TASK_SCHEDULED, _STARTED, _COMPLETED, _TIMED_OUT and _FAILED. */
const WORKFLOW_TASK_EVENT_TYPES = new Set([5, 6, 7, 8, 9]);

/** Waits until emails and projections in flight have landed, so a before/after compare is fair. */
async function settle(deal: DealDriver): Promise<void> {
  let previous = -1;
  await waitUntil(async () => {
    const state = await deal.state();
    const length = await historyLength(deal);
    const stable = deal.readModelSeq() === state.seq && length === previous;
    previous = length;
    return stable;
  });
}

async function expectRefused(deal: DealDriver, attempt: () => Promise<unknown>, code: string) {
  await settle(deal);
  const stateBefore = await deal.state();
  const historyBefore = await recordedEvents(deal);
  const refusal = await refusalOf(attempt());
  expect(refusal.code).toBe(code);
  expect(refusal.message).not.toBe('');
  expect(await deal.state()).toEqual(stateBefore);
  expect(await recordedEvents(deal)).toEqual(historyBefore);
  return refusal;
}

/** A deal whose gate is approved and which has reached every milestone before `milestone`. */
async function dealReadyFor(milestone: MilestoneKey, amount = 480_000): Promise<DealDriver> {
  const deal = await h.startDeal({ amount });
  const gate = await requestGate(deal);
  await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
  for (const m of PSM_PROCESS.milestones) {
    if (m.key === milestone) break;
    await completeThroughGate(deal, m.key);
  }
  return deal;
}

describe('milestone rules', () => {
  test('out of order: the next milestone first, and never one already reached', async () => {
    const deal = await dealReadyFor('deep_engagement');
    const refusal = await expectRefused(
      deal,
      () => complete(deal, 'technical_breakthrough_1'),
      'MILESTONE_OUT_OF_ORDER',
    );
    expect(refusal.message).toContain('deep_engagement');
    await expectRefused(deal, () => complete(deal, 'project_initiation'), 'MILESTONE_OUT_OF_ORDER');
    await expectRefused(
      deal,
      () =>
        deal.command('completeMilestone', ACTORS.rep, {
          milestone: 'contract_execution' as MilestoneKey,
          criteriaMet: [],
          evidence: 'x',
        }),
      'MILESTONE_OUT_OF_ORDER',
    );
  });

  test("criteria rule 'all': every criterion, and the refusal names the missing ones", async () => {
    const deal = await dealReadyFor('deep_engagement');
    const [first, ...rest] = criteriaFor('deep_engagement');
    const refusal = await expectRefused(
      deal,
      () =>
        deal.command('completeMilestone', ACTORS.rep, {
          milestone: 'deep_engagement',
          criteriaMet: [first ?? ''],
          evidence: 'Org chart',
        }),
      'CRITERIA_NOT_MET',
    );
    for (const missing of rest) expect(refusal.message).toContain(missing);
  });

  test("criteria rule 'any': at least one", async () => {
    const deal = await dealReadyFor('technical_breakthrough_2');
    await expectRefused(
      deal,
      () =>
        deal.command('completeMilestone', ACTORS.rep, {
          milestone: 'technical_breakthrough_2',
          criteriaMet: [],
          evidence: 'PoC notes',
        }),
      'CRITERIA_NOT_MET',
    );
    await complete(deal, 'technical_breakthrough_2'); // one criterion is enough
    expect((await deal.state()).milestone).toBe('technical_breakthrough_2');
  });

  test('a criterion of another milestone, and a blank evidence note', async () => {
    const deal = await dealReadyFor('deep_engagement');
    await expectRefused(
      deal,
      () =>
        deal.command('completeMilestone', ACTORS.rep, {
          milestone: 'deep_engagement',
          criteriaMet: [...criteriaFor('deep_engagement'), 'poc_passed'],
          evidence: 'x',
        }),
      'UNKNOWN_CRITERION',
    );
    await expectRefused(
      deal,
      () =>
        deal.command('completeMilestone', ACTORS.rep, {
          milestone: 'deep_engagement',
          criteriaMet: criteriaFor('deep_engagement'),
          evidence: '   ',
        }),
      'EVIDENCE_REQUIRED',
    );
  });

  test('the approval gate: none asked → APPROVAL_REQUIRED, still pending → APPROVAL_PENDING, rejected → APPROVAL_REQUIRED', async () => {
    const deal = await h.startDeal();
    await expectRefused(deal, () => complete(deal, 'project_initiation'), 'APPROVAL_REQUIRED');
    const gate = await requestGate(deal);
    await expectRefused(deal, () => complete(deal, 'project_initiation'), 'APPROVAL_PENDING');
    await expectRefused(deal, () => requestGate(deal), 'APPROVAL_PENDING');
    await deal.command('decideApproval', ACTORS.manager, {
      approvalId: gate,
      decision: 'rejected',
      comment: 'Not our segment',
    });
    await expectRefused(deal, () => complete(deal, 'project_initiation'), 'APPROVAL_REQUIRED');
  });

  test('skipping needs an approved skip; contract_signed can never be skipped', async () => {
    const deal = await dealReadyFor('deep_engagement');
    await expectRefused(deal, () => complete(deal, 'technical_breakthrough_1'), 'MILESTONE_OUT_OF_ORDER');
    await expectRefused(
      deal,
      () =>
        deal.command('requestApproval', ACTORS.rep, {
          kind: 'skip_milestone',
          milestone: 'contract_signed',
          reason: 'Hurry',
        }),
      'RULE_REFUSED',
    );
    const skip = await deal.command('requestApproval', ACTORS.rep, {
      kind: 'skip_milestone',
      milestone: 'deep_engagement',
      reason: 'Known org',
    });
    await expectRefused(deal, () => complete(deal, 'technical_breakthrough_1'), 'MILESTONE_OUT_OF_ORDER');
    await deal.command('decideApproval', ACTORS.manager, {
      approvalId: skip.approvalId ?? '',
      decision: 'approved',
    });
    await complete(deal, 'technical_breakthrough_1');
    const state = await deal.state();
    expect(state.milestones.map((m) => m.progress).slice(0, 4)).toEqual([
      'reached',
      'skipped',
      'reached',
      'next',
    ]);
    const reached = state.events.filter((e) => e.type === 'milestone_reached').map((e) => e.payload);
    expect(reached.slice(-2)).toEqual([
      { milestone: 'deep_engagement', milestoneIndex: 1, skipped: true },
      { milestone: 'technical_breakthrough_1', milestoneIndex: 2, skipped: false },
    ]);
  });

  test('checklists: unknown items, and the execution checklist before the contract is signed', async () => {
    const deal = await h.startDeal();
    await expectRefused(
      deal,
      () =>
        deal.command('setChecklistItem', ACTORS.rep, {
          milestone: 'project_initiation',
          item: 'bribe_someone',
          done: true,
        }),
      'UNKNOWN_CHECKLIST_ITEM',
    );
    await expectRefused(
      deal,
      () =>
        deal.command('setChecklistItem', ACTORS.rep, {
          milestone: 'contract_execution',
          item: 'delivery_handover',
          done: true,
        }),
      'MILESTONE_OUT_OF_ORDER',
    );
    const ticked = await deal.command('setChecklistItem', ACTORS.rep, {
      milestone: 'project_initiation',
      item: 'assess_fit',
      done: true,
    });
    expect(ticked.changed).toBe(true);
    const again = await deal.command('setChecklistItem', ACTORS.rep, {
      milestone: 'project_initiation',
      item: 'assess_fit',
      done: true,
    });
    expect(again.changed).toBe(false);
  });
});

describe('who may act', () => {
  test('someone outside the owner’s chain is refused; the chain and admins are not', async () => {
    const deal = await h.startDeal();
    const call = (actor: (typeof ACTORS)[keyof typeof ACTORS]) =>
      deal.command('logActivity', actor, {
        kind: 'visit',
        occurredAt: new Date().toISOString(),
        note: 'Site visit',
      });
    await expectRefused(deal, () => call(ACTORS.otherRep), 'FORBIDDEN');
    await expectRefused(deal, () => call(ACTORS.otherManager), 'FORBIDDEN');
    await expectRefused(
      deal,
      () => call({ userId: ACTORS.otherRep.userId, role: 'superuser' as never }),
      'INVALID_INPUT',
    );
    for (const actor of [ACTORS.rep, ACTORS.manager, ACTORS.director, ACTORS.vp, ACTORS.admin]) {
      expect((await call(actor)).changed).toBe(true);
    }
  });

  test('approvals are decided by the approver or above, never by the rep or another team', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    const decide = (actor: (typeof ACTORS)[keyof typeof ACTORS]) =>
      deal.command('decideApproval', actor, { approvalId: gate, decision: 'approved' });
    await expectRefused(deal, () => decide(ACTORS.rep), 'NOT_APPROVER');
    await expectRefused(deal, () => decide(ACTORS.otherManager), 'NOT_APPROVER');
    await expectRefused(
      deal,
      () =>
        deal.command('decideApproval', ACTORS.manager, {
          approvalId: 'no-such-approval',
          decision: 'approved',
        }),
      'UNKNOWN_APPROVAL',
    );
    await decide(ACTORS.director); // above the approver (the manager)
    await expectRefused(deal, () => decide(ACTORS.manager), 'ALREADY_DECIDED');
  });

  test('at or above the amount threshold the director approves, not the manager', async () => {
    const deal = await h.startDeal({ amount: PSM_PROCESS.approvals.directorFromAmount });
    const gate = await requestGate(deal);
    expect((await deal.state()).pendingApprovals[0]?.approverId).toBe(ACTORS.director.userId);
    await expectRefused(
      deal,
      () => deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' }),
      'NOT_APPROVER',
    );
    await deal.command('decideApproval', ACTORS.vp, { approvalId: gate, decision: 'approved' });
  });

  test('a malformed command is refused before any rule runs', async () => {
    const deal = await h.startDeal();
    await expectRefused(deal, () => deal.command('hold', ACTORS.rep, { reason: 'x' }, ''), 'INVALID_INPUT');
    await expectRefused(deal, () => deal.command('hold', ACTORS.rep, { reason: '' }), 'INVALID_INPUT');
  });
});

describe('closed and held deals', () => {
  test('a won deal refuses everything but its execution checklist and activities, and cannot be reopened', async () => {
    const deal = await dealReadyFor('contract_signed');
    await completeThroughGate(deal, 'contract_signed');
    await expectRefused(deal, () => deal.command('markLost', ACTORS.rep, { reason: 'x' }), 'DEAL_CLOSED');
    await expectRefused(deal, () => deal.command('reopen', ACTORS.manager, { reason: 'x' }), 'DEAL_CLOSED');
    await expectRefused(
      deal,
      () => deal.command('upsertStakeholder', ACTORS.rep, { name: 'A', role: 'user', stance: 'neutral' }),
      'DEAL_CLOSED',
    );
    await expectRefused(
      deal,
      () =>
        deal.command('setChecklistItem', ACTORS.rep, {
          milestone: 'contract_signed',
          item: 'watch_schedule',
          done: true,
        }),
      'DEAL_CLOSED',
    );
    const tick = await deal.command('setChecklistItem', ACTORS.rep, {
      milestone: 'contract_execution',
      item: 'delivery_handover',
      done: true,
    });
    expect(tick.changed).toBe(true);
  });

  test('a lost deal refuses commands until reopened; an open deal cannot be reopened or resumed', async () => {
    const deal = await h.startDeal();
    await expectRefused(
      deal,
      () => deal.command('reopen', ACTORS.manager, { reason: 'x' }),
      'DEAL_NOT_CLOSED',
    );
    await expectRefused(deal, () => deal.command('resume', ACTORS.rep, {}), 'DEAL_NOT_ON_HOLD');
    await deal.command('markLost', ACTORS.rep, { reason: 'No budget' });
    await expectRefused(deal, () => requestGate(deal), 'DEAL_CLOSED');
    await expectRefused(deal, () => deal.command('hold', ACTORS.rep, { reason: 'x' }), 'DEAL_CLOSED');
    await deal.command('reopen', ACTORS.manager, { reason: 'Budget found' });
    expect((await deal.state()).status).toBe('open');
  });

  test('a deal on hold refuses progress but keeps its records', async () => {
    const deal = await h.startDeal();
    await deal.command('hold', ACTORS.rep, { reason: 'Waiting for tender' });
    await expectRefused(deal, () => requestGate(deal), 'DEAL_ON_HOLD');
    await expectRefused(deal, () => deal.command('hold', ACTORS.rep, { reason: 'again' }), 'DEAL_ON_HOLD');
    const logged = await deal.command('logActivity', ACTORS.rep, {
      kind: 'email',
      occurredAt: new Date().toISOString(),
      note: 'Sent tender docs',
    });
    expect(logged.changed).toBe(true);
  });
});
