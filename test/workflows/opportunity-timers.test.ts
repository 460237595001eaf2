// The deal's clocks on the time-skipping server: follow-up reminders, the stall ladder, approval
// chasing and the contract window. Time only moves through h.advance (testEnv.sleep). Every number
// and key comes from the process definition (a fresh deal sits at the first milestone; the gates
// are where the definition puts them), so retuning a number moves these tests with it; they turn
// red only when the workflow stops obeying the definition.

import { PSM_PROCESS, type MilestoneKey, type SalesMilestoneDefinition } from '../../workflows/psm-process';
import { addWorkingDays } from '../../workflows/working-days';
import { ACTORS, DAY_MS, USERS, useHarness, eventually, type DealDriver } from './helpers';
import { completeUpTo } from './path-scenarios';
import { complete, firstGate, logCall, passGate, requestGate } from './scenarios';
// A failure says it checks new deals; the replay tests decide for running deals.
import { newDealTest as test } from './new-deal-test';

const h = useHarness();

const milestones = PSM_PROCESS.milestones as readonly SalesMilestoneDefinition[];
/** Where a fresh deal sits: the first milestone, whose clocks run until it reaches the second. */
const first = milestones[0] as SalesMilestoneDefinition & { key: MilestoneKey };
const firstSla = first.stallSlaDays;
const firstCadence = first.followUpCadenceDays;
if (firstSla === null || firstCadence === null)
  throw new Error(`these tests need a stall SLA and a cadence at ${first.key}`);
const indexOf = (key: string) => milestones.findIndex((m) => m.key === key);
const windowFrom = PSM_PROCESS.contractWindow.from as MilestoneKey;
/** A fresh deal's stage visit is 1; reaching a milestone starts the next visit. */
const visitAt = (key: string) => indexOf(key) + 2;

const mailsOf = (deal: DealDriver, template: string) =>
  h.fakes.notificationsFor(deal.id).filter((m) => m.template === template);

/** Lets a firing that is due right now land before asserting that nothing else happened. */
const settleMs = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

describe('follow-up reminder', () => {
  test('fires at the stage cadence after the last activity, is reset by activity, and repeats', async () => {
    const cadence = firstCadence;
    const deal = await h.startDeal();
    await h.advance(`${cadence - 1}d`);
    await logCall(h, deal); // the cadence restarts here
    await h.advance(`${cadence - 1}d`);
    await settleMs();
    expect(mailsOf(deal, 'follow_up_reminder')).toEqual([]);

    await h.advance('1d'); // activity + cadence
    const [reminder] = await eventually(() => {
      const mails = mailsOf(deal, 'follow_up_reminder');
      expect(mails).toHaveLength(1);
      return mails;
    });
    expect(reminder).toMatchObject({
      key: `${deal.id}:follow_up:1`,
      recipientUserId: USERS.rep,
      deal: { opportunityId: deal.id, milestone: first.key, ownerId: USERS.rep },
    });
    expect(reminder?.deal.lastActivityAt).not.toBeNull();

    await h.advance(`${cadence}d`); // still silent: a second reminder, with its own key
    await eventually(() =>
      expect(mailsOf(deal, 'follow_up_reminder').map((m) => m.key)).toEqual([
        `${deal.id}:follow_up:1`,
        `${deal.id}:follow_up:2`,
      ]),
    );
    await eventually(() =>
      expect(
        h.fakes
          .projectedEventsFor(deal.id)
          .filter((e) => e.type === 'escalation_sent')
          .map((e) => e.payload),
      ).toEqual(
        expect.arrayContaining([
          {
            key: `${deal.id}:follow_up:1`,
            kind: 'follow_up',
            level: 0,
            milestone: first.key,
            recipientIds: [USERS.rep],
          },
        ]),
      ),
    );
  });
});

describe('stall ladder', () => {
  test('manager at the SLA, director a further period later, then nothing more', async () => {
    const sla = firstSla;
    const directorAfter = PSM_PROCESS.stallEscalation.directorAfterDays;
    const deal = await h.startDeal();
    await h.advance(`${sla - 1}d`);
    await settleMs();
    expect(mailsOf(deal, 'stall_escalation')).toEqual([]);

    await h.advance('1d');
    await eventually(() => expect(mailsOf(deal, 'stall_escalation')).toHaveLength(1));
    expect(mailsOf(deal, 'stall_escalation')[0]).toMatchObject({
      key: `${deal.id}:stall:${first.key}:v1:l1`,
      recipientUserId: USERS.manager,
      level: 1,
      deal: {
        daysInStage: sla,
        missingCriteria: [
          ...first.criteria.map((c) => c.key),
          ...(first.approvalGate ? [first.approvalGate.key] : []),
        ],
      },
    });
    const stalled = await deal.state();
    expect(stalled).toMatchObject({ stalled: true, escalationLevel: 1 });
    await eventually(() =>
      expect(h.fakes.lastSnapshotOf(deal.id)).toMatchObject({ stalled: true, escalationLevel: 1 }),
    );
    expect(h.fakes.projectedEventsFor(deal.id).find((e) => e.type === 'sla_breached')?.payload).toEqual({
      milestone: first.key,
      milestoneIndex: 0,
    });

    await h.advance(`${directorAfter - 1}d`);
    await settleMs();
    expect(mailsOf(deal, 'stall_escalation')).toHaveLength(1);
    await h.advance('1d');
    await eventually(() => expect(mailsOf(deal, 'stall_escalation')).toHaveLength(2));
    expect(mailsOf(deal, 'stall_escalation')[1]).toMatchObject({
      key: `${deal.id}:stall:${first.key}:v1:l2`,
      recipientUserId: USERS.director,
      level: 2,
    });
    expect((await deal.state()).escalationLevel).toBe(2);

    await h.advance('60d');
    await settleMs();
    expect(mailsOf(deal, 'stall_escalation')).toHaveLength(2);
  });

  test('milestone progress resets the ladder', async () => {
    const deal = await h.startDeal();
    await passGate(deal, first.key);
    await h.advance(`${firstSla - 1}d`);
    await complete(deal, first.key); // a day before the stall: the first milestone's SLA counts from now
    await h.advance(`${firstSla - 1}d`);
    await settleMs();
    expect(mailsOf(deal, 'stall_escalation')).toEqual([]);
    await h.advance('1d');
    await eventually(() =>
      expect(mailsOf(deal, 'stall_escalation').map((m) => m.key)).toEqual([
        `${deal.id}:stall:${first.key}:v2:l1`,
      ]),
    );
  });

  test('with nobody above the rep, the escalation is journalled as skipped instead of mailed', async () => {
    const deal = await h.startDeal({
      ownerId: USERS.loneRep,
      createdBy: { userId: USERS.loneRep, role: 'rep' },
    });
    await h.advance(`${firstSla}d`);
    await eventually(() =>
      expect(
        h.fakes
          .projectedEventsFor(deal.id)
          .filter((e) => e.type === 'escalation_skipped')
          .map((e) => e.payload.kind),
      ).toContain('stall'),
    );
    expect(mailsOf(deal, 'stall_escalation')).toEqual([]);
  });
});

describe('approval chasing', () => {
  test('reminds the approver, then escalates to the approver’s manager; a decision stops it', async () => {
    const { reminderAfterDays, escalateAfterReminderDays } = PSM_PROCESS.approvals;
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    await eventually(() => expect(mailsOf(deal, 'approval_request')).toHaveLength(1));
    expect(mailsOf(deal, 'approval_request')[0]).toMatchObject({
      key: `${deal.id}:approval:${gate}:request`,
      recipientUserId: USERS.manager,
      approval: { id: gate, kind: 'milestone_gate', milestone: firstGate(), status: 'pending' },
    });

    await h.advance(`${reminderAfterDays}d`);
    await eventually(() => expect(mailsOf(deal, 'approval_reminder')).toHaveLength(1));
    expect(mailsOf(deal, 'approval_reminder')[0]).toMatchObject({
      key: `${deal.id}:approval:${gate}:reminder`,
      recipientUserId: USERS.manager,
    });

    await h.advance(`${escalateAfterReminderDays}d`);
    await eventually(() => expect(mailsOf(deal, 'approval_escalation')).toHaveLength(1));
    expect(mailsOf(deal, 'approval_escalation')[0]).toMatchObject({
      key: `${deal.id}:approval:${gate}:escalation`,
      recipientUserId: USERS.director,
      level: 1,
      approval: { id: gate, approverId: USERS.manager },
    });

    await deal.command('decideApproval', ACTORS.director, { approvalId: gate, decision: 'approved' });
    await eventually(() => expect(mailsOf(deal, 'decision_notice')).toHaveLength(1));
    expect(mailsOf(deal, 'decision_notice')[0]).toMatchObject({
      recipientUserId: USERS.rep,
      approval: { status: 'approved' },
    });
  });

  test('an approval decided in time is never chased', async () => {
    const { reminderAfterDays, escalateAfterReminderDays } = PSM_PROCESS.approvals;
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    await h.advance(`${Math.max(0, reminderAfterDays - 1)}d`); // decided the day before the reminder
    await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
    await h.advance(`${2 * (reminderAfterDays + escalateAfterReminderDays)}d`);
    await settleMs();
    expect([...mailsOf(deal, 'approval_reminder'), ...mailsOf(deal, 'approval_escalation')]).toEqual([]);
  });
});

describe('contract window', () => {
  test(`escalates when the contract is not signed within ${PSM_PROCESS.contractWindow.workingDays} working days of ${windowFrom}`, async () => {
    const { workingDays } = PSM_PROCESS.contractWindow;
    const deal = await h.startDeal();
    await completeUpTo(deal, windowFrom);
    const reachedAt = Date.parse((await deal.state()).stageEnteredAt);
    const due = addWorkingDays(reachedAt, workingDays, PSM_PROCESS.workCalendar);
    // Working days on China's calendar: never fewer calendar days than working days, more across
    // weekends and holidays (the calendar's own dates are pinned in test/calendar; this test runs on
    // whatever day the time-skipping server starts, so it pins no date).
    const dueMs = due - reachedAt;
    expect(dueMs).toBeGreaterThanOrEqual(workingDays * DAY_MS);
    expect((await deal.state()).timers.find((t) => t.kind === 'contract_window')?.dueAt).toBe(
      new Date(due).toISOString(),
    );

    await h.advance(dueMs - DAY_MS);
    await settleMs();
    expect(mailsOf(deal, 'contract_window_escalation')).toEqual([]);
    await h.advance(DAY_MS);
    await eventually(() => expect(mailsOf(deal, 'contract_window_escalation')).toHaveLength(1));
    expect(mailsOf(deal, 'contract_window_escalation')[0]).toMatchObject({
      key: `${deal.id}:contract_window:v${visitAt(windowFrom)}`,
      recipientUserId: USERS.manager,
      level: 1,
      deal: { milestone: windowFrom, daysInStage: Math.floor(dueMs / DAY_MS), noSponsorWarning: true },
    });
  });

  test('signing in time means no escalation', async () => {
    const deal = await h.startDeal();
    await completeUpTo(deal, windowFrom);
    // Working days never outnumber calendar days: signing this many calendar days later is in time.
    await h.advance(`${PSM_PROCESS.contractWindow.workingDays - 1}d`);
    await completeUpTo(deal, (milestones[indexOf(windowFrom) + 1]?.key ?? 'contract_signed') as MilestoneKey);
    await h.advance(`${3 * PSM_PROCESS.contractWindow.workingDays}d`);
    await settleMs();
    expect(mailsOf(deal, 'contract_window_escalation')).toEqual([]);
    expect((await deal.state()).timers).toEqual([]);
  });
});

describe('no sponsor, no sale', () => {
  const warnFrom = PSM_PROCESS.noSponsorWarning.fromMilestone as MilestoneKey;
  test(`warns from ${warnFrom} on until someone is sponsor or better`, async () => {
    const deal = await h.startDeal();
    const { stakeholderId } = await deal.command('upsertStakeholder', ACTORS.rep, {
      name: 'Mr Lin',
      role: 'evaluator',
      stance: 'supporter',
    });
    const before = milestones[indexOf(warnFrom) - 1];
    if (before) await completeUpTo(deal, before.key as MilestoneKey);
    expect((await deal.state()).noSponsorWarning).toBe(false);
    await completeUpTo(deal, warnFrom);
    expect((await deal.state()).noSponsorWarning).toBe(true);
    await eventually(() => expect(h.fakes.lastSnapshotOf(deal.id)?.noSponsorWarning).toBe(true));
    await deal.command('upsertStakeholder', ACTORS.rep, {
      id: stakeholderId,
      name: 'Mr Lin',
      role: 'evaluator',
      stance: 'sponsor',
    });
    expect((await deal.state()).noSponsorWarning).toBe(false);
    await eventually(() => expect(h.fakes.lastSnapshotOf(deal.id)?.noSponsorWarning).toBe(false));
  });
});
