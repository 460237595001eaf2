// Whole deals on the time-skipping server: won, lost and reopened, on hold, continued as new.
// Every day count, criterion and gate comes from the process definition, so a retuned definition
// only turns red what it really changes (retuned-definition.test.ts runs this file on one).

import {
  LAST_MILESTONE_INDEX,
  PSM_PROCESS,
  type SalesMilestoneDefinition,
} from '../../workflows/psm-process';
import { ACTORS, USERS, useHarness, eventually, refusalOf } from './helpers';
import {
  activityEveryDays,
  complete,
  completeThroughGate,
  continuedDealScenario,
  DECIDED_BEFORE_CONTINUE_AS_NEW,
  gatedMilestones,
  requestGate,
  withinSlaSchedule,
  wonDealScenario,
} from './scenarios';
// A failure says it checks new deals; the replay tests decide for running deals.
import { newDealTest as test } from './new-deal-test';

const h = useHarness();
const milestones = PSM_PROCESS.milestones as readonly SalesMilestoneDefinition[];
const initiation = milestones[0] as SalesMilestoneDefinition;
const daysMs = (days: number) => days * 86_400_000;

describe('a disciplined deal over about 90 days', () => {
  test('reaches contract_signed, is won, and ends when the handover checklist is done', async () => {
    const startedAt = await h.env.currentTimeMs();
    const deal = await wonDealScenario(h);

    const final = await deal.handle.result();
    expect(final.status).toBe('won');
    expect(final.probability).toBe(100);
    expect(final.milestone).toBe('contract_signed');
    expect(final.execution.completedAt).not.toBeNull();
    expect(final.timers).toEqual([]);
    expect(final.milestones.map((m) => m.progress)).toEqual(Array(milestones.length).fill('reached'));
    const schedule = withinSlaSchedule();
    const lastDay = schedule.at(-1)?.[0] ?? 0;
    const wonAfterDays = (Date.parse(final.closedAt ?? '') - startedAt) / 86_400_000;
    expect(wonAfterDays).toBeGreaterThanOrEqual(lastDay);
    expect(wonAfterDays).toBeLessThan(lastDay + 1);

    // Only the approval round trip of each gate was mailed: no reminder or escalation was ever due.
    const mails = h.fakes.notificationsFor(deal.id);
    expect(mails.map((m) => [m.template, m.recipientUserId])).toEqual(
      gatedMilestones().flatMap(() => [
        ['approval_request', USERS.manager],
        ['decision_notice', USERS.rep],
      ]),
    );
    expect(mails[0]?.key).toMatch(new RegExp(`^${deal.id}:approval:.+:request$`));
    expect(mails[0]?.approval?.approverId).toBe(USERS.manager);

    // The read model saw every event exactly once, in order, and the final snapshot.
    const events = h.fakes.projectedEventsFor(deal.id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const reached = events.filter((e) => e.type === 'milestone_reached').map((e) => e.payload);
    expect(reached).toEqual(
      schedule.map(([, milestone]) => ({
        milestone,
        milestoneIndex: PSM_PROCESS.milestones.findIndex((m) => m.key === milestone),
        skipped: false,
      })),
    );
    expect(events.filter((e) => e.type === 'won')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'activity_logged')).toHaveLength(
      Math.floor(lastDay / activityEveryDays()),
    );
    expect(events.at(-1)?.type).toBe('execution_completed');
    expect(h.fakes.lastSnapshotOf(deal.id)).toMatchObject({
      status: 'won',
      probability: 100,
      milestone: 'contract_signed',
      milestoneIndex: LAST_MILESTONE_INDEX,
      seq: events.length,
      escalationLevel: 0,
      stalled: false,
    });
  });
});

describe('probability follows the milestone reached', () => {
  test('each milestone sets its win % in state and in the projected snapshot', async () => {
    const deal = await h.startDeal();
    expect((await deal.state()).probability).toBe(0);
    const gate = await requestGate(deal);
    await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
    for (const milestone of PSM_PROCESS.milestones.slice(0, LAST_MILESTONE_INDEX)) {
      await completeThroughGate(deal, milestone.key);
      const state = await deal.state();
      expect([state.milestone, state.probability]).toEqual([milestone.key, milestone.winPct]);
      await eventually(() => expect(h.fakes.lastSnapshotOf(deal.id)?.probability).toBe(milestone.winPct));
    }
  });
});

describe('lost and reopened', () => {
  test('lost ends the timers and cancels pending approvals; reopen restarts them with fresh keys', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    await h.advance(`${(initiation.stallSlaDays ?? 0) + 1}d`); // stall level 1 for visit 1
    await deal.command('markLost', ACTORS.rep, { reason: 'Competitor won on price' });

    const lost = await deal.state();
    expect(lost).toMatchObject({
      status: 'lost',
      lostReason: 'Competitor won on price',
      timers: [],
      probability: 0,
    });
    expect(lost.approvals.find((a) => a.id === gate)?.status).toBe('cancelled');
    expect(
      await refusalOf(
        deal.command('logActivity', ACTORS.rep, {
          kind: 'call',
          occurredAt: new Date().toISOString(),
          note: 'x',
        }),
      ),
    ).toMatchObject({ code: 'DEAL_CLOSED' });

    const mailsWhenLost = h.fakes.notificationsFor(deal.id).length;
    await h.advance('60d');
    expect(h.fakes.notificationsFor(deal.id)).toHaveLength(mailsWhenLost);

    await deal.command('reopen', ACTORS.manager, { reason: 'Competitor failed the PoC' });
    const reopened = await deal.state();
    expect(reopened).toMatchObject({ status: 'open', lostReason: null, closedAt: null, escalationLevel: 0 });
    expect(reopened.timers.map((t) => t.kind).sort()).toEqual(['follow_up', 'stall']);

    await h.advance(`${initiation.stallSlaDays ?? 0}d`);
    await eventually(() =>
      expect(h.fakes.notificationsFor(deal.id).map((m) => m.key)).toContain(
        `${deal.id}:stall:project_initiation:v2:l1`,
      ),
    );
    const types = h.fakes.projectedEventsFor(deal.id).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['lost', 'reopened']));
    expect(types.indexOf('reopened')).toBeGreaterThan(types.indexOf('lost'));
  });
});

describe('on hold', () => {
  test('hold pauses every clock; resume re-arms them from the resume time', async () => {
    const deal = await h.startDeal();
    // Held before any clock of the first milestone is due.
    const firstDue = Math.min(
      initiation.followUpCadenceDays ?? Infinity,
      initiation.stallSlaDays ?? Infinity,
    );
    await h.advance(`${Math.max(1, Math.min(5, firstDue - 1))}d`);
    await deal.command('hold', ACTORS.rep, { reason: 'Customer reorganising' });
    expect((await deal.state()).timers).toEqual([]);
    // Longer than any clock of the process.
    await h.advance(`${Math.max(...milestones.map((m) => m.stallSlaDays ?? 0)) + 10}d`);
    expect(h.fakes.notificationsFor(deal.id)).toEqual([]);
    expect(await refusalOf(complete(deal, 'project_initiation'))).toMatchObject({ code: 'DEAL_ON_HOLD' });

    await deal.command('resume', ACTORS.rep, {});
    const resumedAt = Date.parse((await deal.state()).events.at(-1)?.occurredAt ?? '');
    const timers = (await deal.state()).timers;
    expect(timers.find((t) => t.kind === 'follow_up')?.dueAt).toBe(
      new Date(resumedAt + daysMs(initiation.followUpCadenceDays ?? 0)).toISOString(),
    );
    expect(timers.find((t) => t.kind === 'stall')?.dueAt).toBe(
      new Date(resumedAt + daysMs(initiation.stallSlaDays ?? 0)).toISOString(),
    );

    await h.advance(`${(initiation.followUpCadenceDays ?? 0) - 1}d`);
    expect(h.fakes.notificationsFor(deal.id)).toEqual([]);
    await h.advance('2d');
    await eventually(() =>
      expect(h.fakes.notificationsFor(deal.id).map((m) => m.template)).toEqual(['follow_up_reminder']),
    );
  });
});

describe('idempotency', () => {
  test('a repeated request id returns the first result and records nothing new', async () => {
    const deal = await h.startDeal();
    const first = await deal.command(
      'upsertStakeholder',
      ACTORS.rep,
      { name: 'Ms Wu', role: 'evaluator', stance: 'neutral' },
      'req-1',
    );
    const seqAfterFirst = (await deal.state()).seq;
    const again = await deal.command(
      'upsertStakeholder',
      ACTORS.rep,
      { name: 'Ms Wu', role: 'evaluator', stance: 'neutral' },
      'req-1',
    );
    expect(again).toEqual(first);
    const state = await deal.state();
    expect(state.seq).toBe(seqAfterFirst);
    expect(state.stakeholders).toHaveLength(1);
    expect(await refusalOf(deal.command('hold', ACTORS.rep, { reason: 'x' }, 'req-1'))).toMatchObject({
      code: 'CONFLICT',
    });
  });

  test('a repeat of a command that would now be refused still returns its first result', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    const decided = await deal.command(
      'decideApproval',
      ACTORS.manager,
      { approvalId: gate, decision: 'approved' },
      'decide-1',
    );
    const repeat = await deal.command(
      'decideApproval',
      ACTORS.manager,
      { approvalId: gate, decision: 'approved' },
      'decide-1',
    );
    expect(repeat).toEqual(decided);
    const other = refusalOf(
      deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' }, 'decide-2'),
    );
    expect(await other).toMatchObject({ code: 'ALREADY_DECIDED' });
  });
});

describe('continue-as-new', () => {
  test('carries the whole state, the request ids and the clocks into the next run', async () => {
    const deal = await continuedDealScenario(h, 40);
    const firstRunId = deal.handle.firstExecutionRunId;
    const description = await deal.handle.describe();
    expect(description.runId).not.toBe(firstRunId);
    const firstRun = h.env.client.workflow.getHandle(deal.id, firstRunId);
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');

    const state = await deal.state();
    expect(state).toMatchObject({
      status: 'open',
      milestone: initiation.key,
      reachedIndex: 0,
      probability: initiation.winPct,
    });
    expect(state.approvals).toHaveLength(1);
    expect(state.events.at(-1)?.type).toBe('activity_logged');
    // seq keeps counting across runs, the read model holds every event, and no two projections
    // of one seq disagree (the API and the workflow may both project an event).
    const projected = h.fakes.projectedEventsFor(deal.id);
    expect(h.fakes.conflictingProjections(deal.id)).toEqual([]);
    expect(projected.map((e) => e.seq)).toEqual(projected.map((_, i) => i + 1));
    expect(state.seq).toBe(projected.length);

    // A request id from the first run is still recognised: same result, nothing recorded.
    const seqBefore = state.seq;
    const repeated = await deal.command(
      'decideApproval',
      ACTORS.manager,
      { approvalId: state.approvals[0]?.id ?? '', decision: 'approved' },
      DECIDED_BEFORE_CONTINUE_AS_NEW,
    );
    expect(repeated).toMatchObject({
      command: 'decideApproval',
      approvalId: state.approvals[0]?.id,
      changed: true,
    });
    expect(repeated.seq).toBeLessThan(seqBefore);
    expect((await deal.state()).seq).toBe(seqBefore);

    // The clocks still run in the new run.
    await h.advance(`${(initiation.followUpCadenceDays ?? 7) + 1}d`);
    await eventually(() =>
      expect(
        h.fakes.notificationsFor(deal.id).filter((m) => m.template === 'follow_up_reminder').length,
      ).toBeGreaterThanOrEqual(2),
    );
  });
});
