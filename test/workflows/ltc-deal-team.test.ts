// Sales projects the LTC way on the time-skipping server: the deal team acting within its roles,
// kickoff and plan for large or major deals, the closing summary, and the handover the delivery
// side accepts before the deal completes (escalated while it waits).

import { PSM_PROCESS } from '../../workflows/psm-process';
import { ACTORS, USERS, eventually, refusalOf, useHarness } from './helpers';
import { complete, requestGate } from './scenarios';
import {
  FR,
  HANDOVER_DOCUMENTS,
  SR,
  dateIn,
  ltcLostDealScenario,
  ltcWonDealScenario,
  planFor,
  teamDealAtInitiation,
} from './ltc-scenarios';

const h = useHarness();

describe('the deal team', () => {
  test('the owner and the line change the team; members act within their role only', async () => {
    const deal = await h.startDeal();
    // Unknown, inactive or the owner in another role: refused, nothing recorded.
    expect(
      (await refusalOf(deal.command('assignTeamMember', ACTORS.rep, { userId: 'nobody', role: 'SR' }))).code,
    ).toBe('NOT_FOUND');
    expect(
      (await refusalOf(deal.command('assignTeamMember', ACTORS.rep, { userId: USERS.formerRep, role: 'SR' })))
        .code,
    ).toBe('TEAM_MEMBER_INACTIVE');
    expect(
      (await refusalOf(deal.command('assignTeamMember', ACTORS.rep, { userId: USERS.rep, role: 'SR' }))).code,
    ).toBe('TEAM_MEMBER_IS_OWNER');
    expect(
      (
        await refusalOf(
          deal.command('assignTeamMember', ACTORS.rep, { userId: SR.userId, role: 'boss' as never }),
        )
      ).code,
    ).toBe('INVALID_INPUT');
    // Outside the line: not theirs to change.
    expect(
      (await refusalOf(deal.command('assignTeamMember', ACTORS.otherRep, { userId: SR.userId, role: 'SR' })))
        .code,
    ).toBe('FORBIDDEN');

    await deal.command('assignTeamMember', ACTORS.rep, { userId: SR.userId, role: 'SR' });
    await deal.command('assignTeamMember', ACTORS.manager, { userId: FR.userId, role: 'FR' });
    const again = await deal.command('assignTeamMember', ACTORS.rep, { userId: SR.userId, role: 'SR' });
    expect(again.changed).toBe(false);

    // A member does not change the team, and acts only within the role's commands and steps.
    expect((await refusalOf(deal.command('removeTeamMember', SR, { userId: FR.userId }))).code).toBe(
      'TEAM_CHANGE_FORBIDDEN',
    );
    expect(
      (
        await refusalOf(
          deal.command('requestApproval', SR, {
            kind: 'milestone_gate',
            milestone: 'project_initiation',
            reason: 'x',
          }),
        )
      ).code,
    ).toBe('NOT_IN_ROLE');
    expect(
      (
        await refusalOf(
          deal.command('setChecklistItem', SR, {
            milestone: 'deep_engagement',
            item: 'develop_coach',
            done: true,
          }),
        )
      ).code,
    ).toBe('NOT_IN_ROLE');
    await deal.command('setChecklistItem', SR, {
      milestone: 'technical_breakthrough_1',
      item: 'technical_exchange',
      done: true,
    });
    expect(
      (
        await refusalOf(
          deal.command('setChecklistItem', FR, {
            milestone: 'technical_breakthrough_1',
            item: 'deliver_proposal',
            done: true,
          }),
        )
      ).code,
    ).toBe('NOT_IN_ROLE');
    expect((await refusalOf(deal.command('markLost', FR, { reason: 'x' }))).code).toBe('NOT_IN_ROLE');

    const gate = await requestGate(deal);
    await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
    expect((await refusalOf(complete(deal, 'project_initiation', SR))).code).toBe('NOT_IN_ROLE');
    await complete(deal, 'project_initiation');
    await complete(deal, 'deep_engagement');
    await complete(deal, 'technical_breakthrough_1', SR);

    // A single-holder role changes hands; removal is journalled.
    await deal.command('assignTeamMember', ACTORS.rep, { userId: USERS.manager, role: 'FR' });
    await deal.command('removeTeamMember', ACTORS.rep, { userId: USERS.manager });
    const state = await deal.state();
    expect(state.ltc?.team).toEqual([
      { userId: USERS.rep, role: 'AR', addedAt: state.createdAt },
      expect.objectContaining({ userId: SR.userId, role: 'SR' }),
    ]);
    expect(state.milestones[2]?.progress).toBe('reached');
    const events = h.fakes.projectedEventsFor(deal.id).filter((e) => e.type.startsWith('team_member'));
    expect(
      events.map((e) => [e.type, e.payload.userId, e.payload.role, e.payload.replacedUserId ?? null]),
    ).toEqual([
      ['team_member_assigned', SR.userId, 'SR', null],
      ['team_member_assigned', FR.userId, 'FR', null],
      ['team_member_assigned', USERS.manager, 'FR', FR.userId],
      ['team_member_removed', USERS.manager, 'FR', null],
    ]);
    expect(h.fakes.lastSnapshotOf(deal.id)?.ltc?.team.map((m) => m.role)).toEqual(['AR', 'SR']);
  });
});

describe('kickoff and plan', () => {
  test('a deal at the amount threshold records its plan after initiation before it moves on', async () => {
    const deal = await h.startDeal({ amount: PSM_PROCESS.ltc.kickoff.fromAmount });
    expect((await refusalOf(deal.command('recordProjectPlan', ACTORS.rep, await planFor(h)))).code).toBe(
      'KICKOFF_TOO_EARLY',
    );
    const gate = await requestGate(deal);
    await deal.command('decideApproval', ACTORS.director, { approvalId: gate, decision: 'approved' });
    await complete(deal, 'project_initiation');
    expect((await refusalOf(complete(deal, 'deep_engagement'))).code).toBe('PROJECT_PLAN_REQUIRED');

    const plan = await planFor(h, 3, 10);
    const { deep_engagement: _omitted, ...partial } = plan.plannedDates;
    expect(
      (await refusalOf(deal.command('recordProjectPlan', ACTORS.rep, { ...plan, plannedDates: partial })))
        .code,
    ).toBe('INVALID_INPUT');
    expect(
      (await refusalOf(deal.command('recordProjectPlan', ACTORS.rep, { ...plan, evidence: ' ' }))).code,
    ).toBe('EVIDENCE_REQUIRED');
    await deal.command('recordProjectPlan', ACTORS.rep, plan);
    // Reached 5 days after its planned date (3 days out): 5 days late.
    await h.advance('8d');
    await complete(deal, 'deep_engagement');
    const state = await deal.state();
    expect(state.ltc?.kickoffRequired).toBe(true);
    expect(state.ltc?.plan.find((row) => row.milestone === 'deep_engagement')).toMatchObject({
      plannedDate: plan.plannedDates.deep_engagement,
      actualDate: await dateIn(h, 0),
      slippageDays: 5,
    });
    expect(state.ltc?.risks).toEqual(plan.risks);
    await eventually(() =>
      expect(
        h.fakes.lastSnapshotOf(deal.id)?.ltc?.plan.find((r) => r.milestone === 'deep_engagement')
          ?.slippageDays,
      ).toBe(5),
    );
  });

  test('a small deal needs the plan only once flagged major', async () => {
    const deal = await h.startDeal({ amount: 200_000 });
    const gate = await requestGate(deal);
    await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
    await complete(deal, 'project_initiation');
    await deal.command('setMajorDeal', ACTORS.manager, { major: true, reason: 'Regional reference' });
    expect((await refusalOf(complete(deal, 'deep_engagement'))).code).toBe('PROJECT_PLAN_REQUIRED');
    await deal.command('setMajorDeal', ACTORS.manager, { major: false, reason: 'Scope cut' });
    await complete(deal, 'deep_engagement');
  });
});

describe('stall routing by role', () => {
  test('a stall on the way to a technical milestone also tells the SR', async () => {
    const deal = await teamDealAtInitiation(h);
    await deal.command('recordProjectPlan', ACTORS.rep, await planFor(h));
    await complete(deal, 'deep_engagement');
    await h.advance(`${(PSM_PROCESS.milestones[1].stallSlaDays ?? 21) + 1}d`);
    await eventually(() => {
      const stalls = h.fakes.notificationsFor(deal.id).filter((n) => n.template === 'stall_escalation');
      expect(stalls.map((n) => [n.recipientUserId, n.level])).toEqual([
        [USERS.manager, 1],
        [SR.userId, 1],
      ]);
    });
  });
});

describe('closing and handover', () => {
  test('a won deal writes its summary and completes only after the FR accepts the handover', async () => {
    const deal = await teamDealAtInitiation(h);
    await deal.command('recordProjectPlan', ACTORS.rep, await planFor(h));
    for (const key of [
      'deep_engagement',
      'technical_breakthrough_1',
      'technical_breakthrough_2',
      'business_breakthrough',
      'contract_signed',
    ] as const)
      await complete(deal, key);
    for (const item of PSM_PROCESS.execution.checklist)
      await deal.command('setChecklistItem', ACTORS.rep, {
        milestone: 'contract_execution',
        item: item.key,
        done: true,
      });
    let state = await deal.state();
    expect(state.status).toBe('won');
    // The checklist is done, but the delivery side has not accepted: the deal is not complete.
    expect(state.execution.completedAt).toBeNull();
    expect(state.ltc?.handover).toMatchObject({ status: 'pending', acceptorId: FR.userId, level: 0 });
    expect(state.ltc?.closingSummary).toMatchObject({
      outcome: 'won',
      lostReason: null,
      competitors: ['Huawei', 'Inspur'],
    });
    expect(state.ltc?.closingSummary?.timeline).toHaveLength(6);
    await eventually(() => {
      const mails = h.fakes.notificationsFor(deal.id);
      expect(
        mails
          .filter((n) => n.template === 'closing_summary')
          .map((n) => n.recipientUserId)
          .sort(),
      ).toEqual([USERS.rep, SR.userId, FR.userId, USERS.manager].sort());
      expect(mails.filter((n) => n.template === 'handover_request').map((n) => n.recipientUserId)).toEqual([
        FR.userId,
      ]);
    });

    expect(
      (await refusalOf(deal.command('acceptHandover', ACTORS.rep, { documents: HANDOVER_DOCUMENTS }))).code,
    ).toBe('NOT_HANDOVER_ACCEPTOR');
    const refusal = await refusalOf(
      deal.command('acceptHandover', FR, { documents: HANDOVER_DOCUMENTS.slice(1) }),
    );
    expect(refusal.code).toBe('HANDOVER_DOCUMENTS_MISSING');

    // Waiting too long: the FR's manager, then the FR's director.
    const { escalateAfterDays, directorAfterDays } = PSM_PROCESS.ltc.handover;
    await h.advance(`${escalateAfterDays}d`);
    await h.advance(`${directorAfterDays}d`);
    await eventually(() => {
      const escalations = h.fakes
        .notificationsFor(deal.id)
        .filter((n) => n.template === 'handover_escalation');
      expect(escalations.map((n) => [n.recipientUserId, n.level])).toEqual([
        [USERS.otherManager, 1],
        [USERS.director, 2],
      ]);
      expect(escalations[0]?.handover).toMatchObject({
        acceptorId: FR.userId,
        documents: HANDOVER_DOCUMENTS,
      });
    });
    state = await deal.state();
    expect(state.ltc?.handover?.level).toBe(2);
    expect(state.timers).toEqual([]);

    // The run stays open after the acceptance until its last events are projected: meanwhile the
    // team of the completed deal is final, both ways.
    const release = h.fakes.holdProjections();
    try {
      await deal.command('acceptHandover', FR, { documents: HANDOVER_DOCUMENTS, note: 'Received' });
      expect((await deal.state()).execution.completedAt).not.toBeNull();
      expect(
        (await refusalOf(deal.command('removeTeamMember', ACTORS.rep, { userId: SR.userId }))).code,
      ).toBe('DEAL_CLOSED');
      expect(
        (
          await refusalOf(
            deal.command('assignTeamMember', ACTORS.rep, { userId: USERS.otherRep, role: 'SR' }),
          )
        ).code,
      ).toBe('DEAL_CLOSED');
    } finally {
      // Released however the checks went: the worker's shutdown waits for a held activity.
      release();
    }
    const final = await deal.handle.result();
    expect(final.ltc?.team?.map((m) => m.userId)).toContain(SR.userId);
    expect(final.execution.completedAt).not.toBeNull();
    expect(final.ltc?.handover).toMatchObject({ status: 'accepted', acceptedById: FR.userId });
    const types = h.fakes.projectedEventsFor(deal.id).map((e) => e.type);
    // The rep had ticked the handover item already: the acceptance completes the deal.
    expect(types.slice(-2)).toEqual(['handover_accepted', 'execution_completed']);
    expect(types).toContain('closing_summary_recorded');
  });

  test('the whole scripted LTC deal ends, and a lost major deal keeps reason, competitor and lessons', async () => {
    const won = await ltcWonDealScenario(h);
    const final = await won.handle.result();
    expect(final.execution.completedAt).not.toBeNull();

    const lost = await ltcLostDealScenario(h);
    const state = await lost.state();
    expect(state.ltc?.closingSummary).toMatchObject({
      outcome: 'lost',
      lostReason: 'Price',
      competitor: 'Winning Health',
      lessons: 'Engage the evaluators before the tender.',
      lessonsById: SR.userId,
    });
    expect(state.ltc?.handover).toBeNull();
    // Reopening supersedes the summary; the next close writes a new one.
    await lost.command('reopen', ACTORS.manager, { reason: 'Tender cancelled and re-issued' });
    expect((await lost.state()).ltc?.closingSummary).toBeNull();
    expect((await refusalOf(lost.command('recordClosingLessons', ACTORS.rep, { lessons: 'x' }))).code).toBe(
      'DEAL_NOT_CLOSED',
    );
  });
});
