// The authorization rules (runs since patched('psm-authorization-rules')): who may own a deal
// after a reassignment, approvals that follow the amount, owner and line they were asked under,
// nobody deciding their own request, and reorganisations reaching running deals at once.

import { reportingLineChangedSignal } from '../../workflows/opportunity-messages';
import type { ReportingLineChangeResult } from '../../workflows';
import { ACTORS, USERS, useHarness, eventually, refusalOf, waitUntil, type DealDriver } from './helpers';
import { complete, logCall, requestGate } from './scenarios';

const h = useHarness();

const teamRep = { userId: USERS.teamRep, role: 'rep' } as const;

async function pendingApprovals(deal: DealDriver) {
  return (await deal.state()).approvals.filter((a) => a.status === 'pending');
}

async function eventsOf(deal: DealDriver, type: string) {
  return (await deal.state()).events.filter((e) => e.type === type);
}

describe('changing the owner (issue 9 item 9)', () => {
  test('a rep cannot hand their deal to anyone else', async () => {
    const deal = await h.startDeal();
    const refusal = await refusalOf(deal.command('updateDeal', ACTORS.rep, { ownerId: USERS.teamRep }));
    expect(refusal.code).toBe('OWNER_OUTSIDE_LINE');
    expect((await deal.state()).ownerId).toBe(USERS.rep);
  });

  test('a manager cannot hand a deal to a rep outside their line', async () => {
    const deal = await h.startDeal();
    const refusal = await refusalOf(deal.command('updateDeal', ACTORS.manager, { ownerId: USERS.otherRep }));
    expect(refusal.code).toBe('OWNER_OUTSIDE_LINE');
    const state = await deal.state();
    expect(state.ownerId).toBe(USERS.rep);
    expect(state.reportingLine?.userId).toBe(USERS.rep);
  });

  test('nobody can hand a deal to a deactivated user, not even an admin', async () => {
    const deal = await h.startDeal();
    for (const actor of [ACTORS.manager, ACTORS.admin]) {
      const refusal = await refusalOf(deal.command('updateDeal', actor, { ownerId: USERS.formerRep }));
      expect(refusal.code).toBe('OWNER_INACTIVE');
    }
    expect((await deal.state()).ownerId).toBe(USERS.rep);
  });

  test('a manager hands a deal to another rep of theirs, who then owns it', async () => {
    const deal = await h.startDeal();
    await deal.command('updateDeal', ACTORS.manager, { ownerId: USERS.teamRep });
    const state = await deal.state();
    expect(state.ownerId).toBe(USERS.teamRep);
    expect(state.reportingLine?.userId).toBe(USERS.teamRep);
    await logCall(h, deal, 'Handover call', teamRep);
    expect((await refusalOf(logCall(h, deal, 'Still mine?', ACTORS.rep))).code).toBe('FORBIDDEN');
  });
});

describe('approvals follow the deal (issue 9 item 10)', () => {
  test('lower the amount, ask, raise it back: the director decides, not the manager', async () => {
    const deal = await h.startDeal({ amount: 2_400_000 });
    await deal.command('updateDeal', ACTORS.rep, { amount: 600_000 });
    const gate = await requestGate(deal);
    expect((await pendingApprovals(deal))[0]?.approverId).toBe(USERS.manager);

    await deal.command('updateDeal', ACTORS.rep, { amount: 2_400_000 });
    const [rerouted, ...others] = await pendingApprovals(deal);
    expect(others).toEqual([]);
    expect(rerouted?.id).not.toBe(gate);
    expect(rerouted).toMatchObject({
      approverId: USERS.director,
      requestedById: USERS.rep,
      kind: 'milestone_gate',
    });
    expect((await deal.state()).approvals.find((a) => a.id === gate)?.status).toBe('cancelled');
    expect(await eventsOf(deal, 'approval_rerouted')).toEqual([
      expect.objectContaining({
        actorId: USERS.rep,
        payload: {
          approvalId: gate,
          newApprovalId: rerouted?.id,
          fromApproverId: USERS.manager,
          toApproverId: USERS.director,
          reason: 'amount_changed',
        },
      }),
    ]);

    // The manager's request (and its email link) died with the first approval.
    const old = await refusalOf(
      deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' }),
    );
    expect(old.code).toBe('ALREADY_DECIDED');
    const byManager = await refusalOf(
      deal.command('decideApproval', ACTORS.manager, {
        approvalId: rerouted?.id ?? '',
        decision: 'approved',
      }),
    );
    expect(byManager.code).toBe('NOT_APPROVER');
    // The director is asked as for any new request.
    await eventually(() =>
      expect(
        h.fakes
          .notificationsFor(deal.id)
          .filter((n) => n.template === 'approval_request')
          .map((n) => [n.recipientUserId, n.approval?.id]),
      ).toEqual([
        [USERS.manager, gate],
        [USERS.director, rerouted?.id],
      ]),
    );
    await deal.command('decideApproval', ACTORS.director, {
      approvalId: rerouted?.id ?? '',
      decision: 'approved',
    });
    await complete(deal, 'project_initiation');
  });

  test('a new owner with another line re-routes the pending approval to their manager', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    await deal.command('updateDeal', ACTORS.director, { ownerId: USERS.otherRep });
    const [rerouted] = await pendingApprovals(deal);
    expect(rerouted).toMatchObject({ approverId: USERS.otherManager });
    expect((await eventsOf(deal, 'approval_rerouted'))[0]?.payload).toMatchObject({
      approvalId: gate,
      reason: 'owner_changed',
    });
  });

  test('an amount change that keeps the approver leaves the approval alone', async () => {
    const deal = await h.startDeal({ amount: 300_000 });
    const gate = await requestGate(deal);
    await deal.command('updateDeal', ACTORS.rep, { amount: 400_000 });
    expect((await pendingApprovals(deal)).map((a) => a.id)).toEqual([gate]);
    expect(await eventsOf(deal, 'approval_rerouted')).toEqual([]);
  });
});

describe('nobody approves their own request (issue 9 item 11)', () => {
  test('a manager asking for their rep’s gate gets it decided one level up', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal, ACTORS.manager);
    expect((await pendingApprovals(deal))[0]).toMatchObject({ id: gate, approverId: USERS.director });
    const own = await refusalOf(
      deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' }),
    );
    expect(own.code).toBe('NOT_APPROVER');
    await deal.command('decideApproval', ACTORS.director, { approvalId: gate, decision: 'approved' });
  });

  test('an admin may decide any approval but the one they asked for', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal, ACTORS.admin);
    expect((await pendingApprovals(deal))[0]?.approverId).toBe(USERS.manager);
    const own = await refusalOf(
      deal.command('decideApproval', ACTORS.admin, { approvalId: gate, decision: 'approved' }),
    );
    expect(own.code).toBe('SELF_APPROVAL');
    await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
  });

  test('a director asking for a big deal’s gate: the person above them decides', async () => {
    const deal = await h.startDeal({ amount: 2_400_000 });
    const gate = await requestGate(deal, ACTORS.director);
    expect((await pendingApprovals(deal))[0]?.approverId).toBe(USERS.vp);
    expect(
      (
        await refusalOf(
          deal.command('decideApproval', ACTORS.director, { approvalId: gate, decision: 'approved' }),
        )
      ).code,
    ).toBe('NOT_APPROVER');
  });

  test('a director asking on a small deal does not land on their own manager-level report', async () => {
    const deal = await h.startDeal();
    await requestGate(deal, ACTORS.director);
    expect((await pendingApprovals(deal))[0]?.approverId).toBe(USERS.vp);
  });

  test('at the top of the line the directory’s admin decides', async () => {
    const deal = await h.startDeal({ ownerId: USERS.vp, createdBy: ACTORS.vp });
    const gate = await requestGate(deal, ACTORS.vp);
    expect((await pendingApprovals(deal))[0]).toMatchObject({ id: gate, approverId: USERS.admin });
    expect(
      (await refusalOf(deal.command('decideApproval', ACTORS.vp, { approvalId: gate, decision: 'approved' })))
        .code,
    ).toBe('NOT_APPROVER');
    await deal.command('decideApproval', ACTORS.admin, { approvalId: gate, decision: 'approved' });
  });

  test('nobody above and no admin: the request is refused', async () => {
    const deal = await h.startDeal({ ownerId: USERS.loneRep, createdBy: ACTORS.admin });
    const refusal = await refusalOf(requestGate(deal, { userId: USERS.loneRep, role: 'rep' }));
    expect(refusal.code).toBe('RULE_REFUSED');
  });
});

describe('a reorganisation reaches running deals (issue 9 item 24)', () => {
  afterEach(() => {
    h.fakes.moveInDirectory(USERS.rep, [USERS.manager, USERS.director, USERS.vp]);
  });

  test('the signal makes the new manager able to act at once, and re-routes the gate', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    h.fakes.moveInDirectory(USERS.rep, [USERS.otherManager, USERS.director, USERS.vp]);
    // Before the signal the deal still has the old line (its clock check is days away).
    expect((await refusalOf(logCall(h, deal, 'Hello', ACTORS.otherManager))).code).toBe('FORBIDDEN');

    await deal.handle.signal(reportingLineChangedSignal, { userId: USERS.rep });
    await waitUntil(async () => (await deal.state()).reportingLine?.managerId === USERS.otherManager);
    await logCall(h, deal, 'First call as the new manager', ACTORS.otherManager);
    expect((await refusalOf(logCall(h, deal, 'Still mine?', ACTORS.manager))).code).toBe('FORBIDDEN');

    expect((await eventsOf(deal, 'reporting_line_changed'))[0]?.payload).toEqual({
      ownerId: USERS.rep,
      from: [USERS.manager, USERS.director, USERS.vp],
      to: [USERS.otherManager, USERS.director, USERS.vp],
      trigger: 'reorganisation',
    });
    const [rerouted] = await pendingApprovals(deal);
    expect(rerouted).toMatchObject({ approverId: USERS.otherManager });
    expect((await eventsOf(deal, 'approval_rerouted'))[0]?.payload).toMatchObject({
      approvalId: gate,
      fromApproverId: USERS.manager,
      toApproverId: USERS.otherManager,
      reason: 'reporting_line_changed',
    });
    expect(
      (
        await refusalOf(
          deal.command('decideApproval', ACTORS.manager, {
            approvalId: rerouted?.id ?? '',
            decision: 'approved',
          }),
        )
      ).code,
    ).toBe('NOT_APPROVER');
    await deal.command('decideApproval', ACTORS.otherManager, {
      approvalId: rerouted?.id ?? '',
      decision: 'approved',
    });
  });

  test('without a signal, the next clock check re-routes a gate waiting on the old manager', async () => {
    const deal = await h.startDeal();
    const gate = await requestGate(deal);
    h.fakes.moveInDirectory(USERS.rep, [USERS.otherManager, USERS.director, USERS.vp]);
    await h.advance('2d'); // the gate's reminder is due: the deal wakes and reads the line
    const [rerouted] = await eventually(async () => {
      const pending = await pendingApprovals(deal);
      expect(pending).toEqual([expect.objectContaining({ approverId: USERS.otherManager })]);
      return pending;
    });
    expect((await eventsOf(deal, 'approval_rerouted'))[0]?.payload).toMatchObject({
      approvalId: gate,
      reason: 'reporting_line_changed',
    });
    expect((await eventsOf(deal, 'reporting_line_changed'))[0]?.payload).toMatchObject({
      trigger: 'clock_check',
    });
    const byOld = await refusalOf(
      deal.command('decideApproval', ACTORS.manager, {
        approvalId: rerouted?.id ?? '',
        decision: 'approved',
      }),
    );
    expect(byOld.code).toBe('NOT_APPROVER');
  });

  test('the reportingLineChange workflow signals every open deal in the changed line', async () => {
    const mine = await h.startDeal();
    const teams = await h.startDeal({ ownerId: USERS.teamRep, createdBy: teamRep });
    const elsewhere = await h.startDeal({ ownerId: USERS.otherRep, createdBy: ACTORS.otherRep });
    const lost = await h.startDeal();
    await lost.command('markLost', ACTORS.rep, { reason: 'No budget' });
    for (const deal of [mine, teams, elsewhere, lost]) {
      await waitUntil(async () => deal.readModelSeq() === (await deal.state()).seq);
    }
    // The manager moves under another director: both their reps' deals must follow.
    h.fakes.moveInDirectory(USERS.manager, [USERS.vp]);
    h.fakes.moveInDirectory(USERS.rep, [USERS.manager, USERS.vp]);
    h.fakes.moveInDirectory(USERS.teamRep, [USERS.manager, USERS.vp]);
    try {
      const result: ReportingLineChangeResult = await h.env.client.workflow.execute('reportingLineChange', {
        workflowId: `reporting-line-change-${USERS.manager}-test`,
        taskQueue: h.taskQueue,
        args: [{ userId: USERS.manager }],
      });
      expect(result).toEqual({ deals: 2, signalled: 2, skipped: 0 });
      for (const deal of [mine, teams]) {
        await waitUntil(async () => (await deal.state()).reportingLine?.directorId === USERS.vp);
      }
      expect((await elsewhere.state()).events.some((e) => e.type === 'reporting_line_changed')).toBe(false);
    } finally {
      h.fakes.moveInDirectory(USERS.manager, [USERS.director, USERS.vp]);
      h.fakes.moveInDirectory(USERS.teamRep, [USERS.manager, USERS.director, USERS.vp]);
    }
  });
});
