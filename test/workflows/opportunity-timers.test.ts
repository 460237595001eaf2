// The deal's clocks on the time-skipping server: follow-up reminders, the stall ladder, approval
// chasing and the contract window. Time only moves through h.advance (testEnv.sleep).

import { PSM_PROCESS } from '../../workflows/psm-process';
import { addWorkingDays } from '../../workflows/working-days';
import { ACTORS, DAY_MS, USERS, useHarness, eventually, type DealDriver } from './helpers';
import { complete, completeThroughGate, logCall, requestGate } from './scenarios';

const h = useHarness();

const mailsOf = (deal: DealDriver, template: string) =>
  h.fakes.notificationsFor(deal.id).filter((m) => m.template === template);

/** Lets a firing that is due right now land before asserting that nothing else happened. */
const settleMs = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

describe('follow-up reminder', () => {
  test('fires at the stage cadence after the last activity, is reset by activity, and repeats', async () => {
    const cadence = PSM_PROCESS.milestones[0].followUpCadenceDays;
    const deal = await h.startDeal();
    await h.advance(`${cadence - 1}d`);
    await logCall(h, deal); // day 6: the cadence restarts here
    await h.advance(`${cadence - 1}d`); // day 12
    await settleMs();
    expect(mailsOf(deal, 'follow_up_reminder')).toEqual([]);

    await h.advance('1d'); // day 13 = activity + cadence
    const [reminder] = await eventually(() => {
      const mails = mailsOf(deal, 'follow_up_reminder');
      expect(mails).toHaveLength(1);
      return mails;
    });
    expect(reminder).toMatchObject({
      key: `${deal.id}:follow_up:1`,
      recipientUserId: USERS.rep,
      deal: { opportunityId: deal.id, milestone: 'project_initiation', ownerId: USERS.rep },
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
            milestone: 'project_initiation',
            recipientIds: [USERS.rep],
          },
        ]),
      ),
    );
  });
});

describe('stall ladder', () => {
  test('manager at the SLA, director a further period later, then nothing more', async () => {
    const sla = PSM_PROCESS.milestones[0].stallSlaDays;
    const directorAfter = PSM_PROCESS.stallEscalation.directorAfterDays;
    const deal = await h.startDeal();
    await h.advance(`${sla - 1}d`);
    await settleMs();
    expect(mailsOf(deal, 'stall_escalation')).toEqual([]);

    await h.advance('1d');
    await eventually(() => expect(mailsOf(deal, 'stall_escalation')).toHaveLength(1));
    expect(mailsOf(deal, 'stall_escalation')[0]).toMatchObject({
      key: `${deal.id}:stall:project_initiation:v1:l1`,
      recipientUserId: USERS.manager,
      level: 1,
      deal: { daysInStage: sla, missingCriteria: ['need_clear', 'value_fit', 'initiation_approved'] },
    });
    const stalled = await deal.state();
    expect(stalled).toMatchObject({ stalled: true, escalationLevel: 1 });
    await eventually(() =>
      expect(h.fakes.lastSnapshotOf(deal.id)).toMatchObject({ stalled: true, escalationLevel: 1 }),
    );
    expect(h.fakes.projectedEventsFor(deal.id).find((e) => e.type === 'sla_breached')?.payload).toEqual({
      milestone: 'project_initiation',
      milestoneIndex: 0,
    });

    await h.advance(`${directorAfter - 1}d`);
    await settleMs();
    expect(mailsOf(deal, 'stall_escalation')).toHaveLength(1);
    await h.advance('1d');
    await eventually(() => expect(mailsOf(deal, 'stall_escalation')).toHaveLength(2));
    expect(mailsOf(deal, 'stall_escalation')[1]).toMatchObject({
      key: `${deal.id}:stall:project_initiation:v1:l2`,
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
    const gate = await requestGate(deal);
    await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
    await h.advance('10d');
    await complete(deal, 'project_initiation'); // the project_initiation SLA (14d) now counts from day 10
    await h.advance('13d');
    await settleMs();
    expect(mailsOf(deal, 'stall_escalation')).toEqual([]);
    await h.advance('1d');
    await eventually(() =>
      expect(mailsOf(deal, 'stall_escalation').map((m) => m.key)).toEqual([
        `${deal.id}:stall:project_initiation:v2:l1`,
      ]),
    );
  });

  test('with nobody above the rep, the escalation is journalled as skipped instead of mailed', async () => {
    const deal = await h.startDeal({
      ownerId: USERS.loneRep,
      createdBy: { userId: USERS.loneRep, role: 'rep' },
    });
    await h.advance('14d');
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
      approval: { id: gate, kind: 'milestone_gate', milestone: 'project_initiation', status: 'pending' },
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
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    await h.advance('1d');
    await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
    await h.advance('10d');
    await settleMs();
    expect([...mailsOf(deal, 'approval_reminder'), ...mailsOf(deal, 'approval_escalation')]).toEqual([]);
  });
});

describe('contract window', () => {
  test('escalates when the contract is not signed within 30 working days of business breakthrough', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
    for (const m of PSM_PROCESS.milestones.slice(0, 5)) await completeThroughGate(deal, m.key);
    const reachedAt = Date.parse((await deal.state()).stageEnteredAt);
    const due = addWorkingDays(reachedAt, 30, PSM_PROCESS.workCalendar);
    // 30 working days on China's calendar: six calendar weeks on Mon–Fri, more across a holiday (the
    // calendar's own dates are pinned in test/calendar). Whole days: the window keeps the time of day.
    const dueDays = (due - reachedAt) / DAY_MS;
    expect(Number.isInteger(dueDays) && dueDays >= 42).toBe(true);
    expect((await deal.state()).timers.find((t) => t.kind === 'contract_window')?.dueAt).toBe(
      new Date(due).toISOString(),
    );

    await h.advance(`${dueDays - 1}d`);
    await settleMs();
    expect(mailsOf(deal, 'contract_window_escalation')).toEqual([]);
    await h.advance('1d');
    await eventually(() => expect(mailsOf(deal, 'contract_window_escalation')).toHaveLength(1));
    expect(mailsOf(deal, 'contract_window_escalation')[0]).toMatchObject({
      key: `${deal.id}:contract_window:v6`,
      recipientUserId: USERS.manager,
      level: 1,
      deal: { milestone: 'business_breakthrough', daysInStage: dueDays, noSponsorWarning: true },
    });
  });

  test('signing in time means no escalation', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
    for (const m of PSM_PROCESS.milestones.slice(0, 5)) await completeThroughGate(deal, m.key);
    await h.advance('20d');
    await completeThroughGate(deal, 'contract_signed');
    await h.advance('60d');
    await settleMs();
    expect(mailsOf(deal, 'contract_window_escalation')).toEqual([]);
    expect((await deal.state()).timers).toEqual([]);
  });
});

describe('no sponsor, no sale', () => {
  test('warns from technical_breakthrough_2 on until someone is sponsor or better', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
    const { stakeholderId } = await deal.command('upsertStakeholder', ACTORS.rep, {
      name: 'Mr Lin',
      role: 'evaluator',
      stance: 'supporter',
    });
    for (const m of PSM_PROCESS.milestones.slice(0, 3)) await completeThroughGate(deal, m.key);
    expect((await deal.state()).noSponsorWarning).toBe(false);
    await completeThroughGate(deal, 'technical_breakthrough_2');
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
