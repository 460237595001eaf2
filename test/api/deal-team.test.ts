// Sales projects through the real app (real Temporal, PostgreSQL, worker): the deal team's routes
// and what members may do in their role, the kickoff plan against actual in the read model, the
// closing summary and the handover the FR accepts before the deal completes.
import { PSM_PROCESS } from '../../workflows/psm-process';
import { createDeal, startTestApp, type TestApp, type TestUser } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const criteria = (key: string): string[] => {
  const m = PSM_PROCESS.milestones.find((x) => x.key === key)!;
  const keys = m.criteria.map((c) => c.key as string);
  return m.rule === 'all' ? keys : keys.slice(0, 1);
};
const complete = (user: TestUser, id: string, milestone: string) =>
  app.api(user, 'POST', `/api/opportunities/${id}/milestones`, {
    milestone,
    criteriaMet: criteria(milestone),
    evidence: `Minutes for ${milestone}.`,
  });
/** Local date (UTC+8) `days` from now. */
const localDay = (days: number) =>
  new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
/** A read-model route's body once `ready` holds: commands are projected moments after they answer. */
const readUntil = (user: TestUser, path: string, ready: (body: any) => boolean) =>
  waitUntil(
    async () => {
      const res = await app.api(user, 'GET', path);
      return res.status === 200 && ready(res.body) ? res.body : undefined;
    },
    15_000,
    `GET ${path}`,
  );
const DOCUMENTS = PSM_PROCESS.ltc.handover.documents.map((d) => d.key as string);

const plan = () => ({
  plannedDates: Object.fromEntries(
    PSM_PROCESS.milestones.slice(1).map((m, i) => [m.key, localDay(10 + 10 * i)]),
  ),
  decisionDate: localDay(40),
  risks: [{ risk: 'Budget freeze', ownerId: app.org.repA1.id, mitigation: 'Phase the delivery' }],
  competitors: ['Huawei'],
  evidence: 'Kickoff minutes',
});

describe('a sales project through the API', () => {
  it('team, roles, plan against actual, closing summary and the accepted handover', async () => {
    const { repA1, repA2, repB1, managerA, director } = app.org;
    const id = await createDeal(app, {
      name: 'Port data platform',
      account: 'Ningbo Port',
      amount: 1_200_000,
    });
    const SR = repB1; // another line: sees the deal only as its SR
    const FR = repA2; // same manager, not the owner

    // Shape errors are 400; outsiders 403; nothing is recorded.
    expect(
      (await app.api(repA1, 'POST', `/api/opportunities/${id}/team`, { userId: 'x', role: 'SR' })).status,
    ).toBe(400);
    expect(
      (await app.api(repA1, 'POST', `/api/opportunities/${id}/team`, { userId: SR.id, role: 'boss' })).status,
    ).toBe(400);
    const outsider = await app.api(SR, 'GET', `/api/opportunities/${id}`);
    expect(outsider.status).toBe(403);

    expect(
      (await app.api(repA1, 'POST', `/api/opportunities/${id}/team`, { userId: SR.id, role: 'SR' })).status,
    ).toBe(200);
    expect(
      (await app.api(managerA, 'POST', `/api/opportunities/${id}/team`, { userId: FR.id, role: 'FR' }))
        .status,
    ).toBe(200);
    // The read model has the team once the projection landed (the API answers within 3 s of it).
    const team = await waitUntil(
      async () => {
        const res = await app.api(SR, 'GET', `/api/opportunities/${id}/team`);
        return res.status === 200 && res.body.team.length === 3 ? res.body : undefined;
      },
      10_000,
      'the team in the read model',
    );
    expect(team.team.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [repA1.id, 'AR'],
      [SR.id, 'SR'],
      [FR.id, 'FR'],
    ]);
    // A member sees the deal, and only sends what the role allows.
    expect((await app.api(SR, 'GET', `/api/opportunities/${id}`)).status).toBe(200);
    const lost = await app.api(SR, 'POST', `/api/opportunities/${id}/lost`, { reason: 'x' });
    expect([lost.status, lost.body.error.code]).toEqual([403, 'NOT_IN_ROLE']);
    const change = await app.api(SR, 'POST', `/api/opportunities/${id}/team`, {
      userId: SR.id,
      role: 'member',
    });
    expect([change.status, change.body.error.code]).toEqual([403, 'TEAM_CHANGE_FORBIDDEN']);

    const gate = await app.api(repA1, 'POST', `/api/opportunities/${id}/approvals`, {
      kind: 'milestone_gate',
      milestone: 'project_initiation',
      reason: 'Need is clear',
    });
    await app.api(director, 'POST', `/api/opportunities/${id}/approvals/${gate.body.approvalId}/decision`, {
      decision: 'approved',
    });
    expect((await complete(repA1, id, 'project_initiation')).status).toBe(200);
    const noPlan = await complete(repA1, id, 'deep_engagement');
    expect([noPlan.status, noPlan.body.error.code]).toEqual([422, 'PROJECT_PLAN_REQUIRED']);
    expect(
      (
        await app.api(repA1, 'POST', `/api/opportunities/${id}/plan`, {
          ...plan(),
          decisionDate: '2026-13-01',
        })
      ).status,
    ).toBe(400);
    expect((await app.api(repA1, 'POST', `/api/opportunities/${id}/plan`, plan())).status).toBe(200);
    expect((await complete(repA1, id, 'deep_engagement')).status).toBe(200);
    // The SR completes the technical milestones, not the others.
    const srWrong = await complete(SR, id, 'business_breakthrough');
    expect([srWrong.status, srWrong.body.error.code]).toEqual([403, 'NOT_IN_ROLE']);
    expect((await complete(SR, id, 'technical_breakthrough_1')).status).toBe(200);

    const planned = {
      body: await readUntil(managerA, `/api/opportunities/${id}/plan`, (b) =>
        b.milestones.some(
          (m: { milestone: string; actualDate: string | null }) =>
            m.milestone === 'deep_engagement' && m.actualDate !== null,
        ),
      ),
    };
    expect(planned.body).toMatchObject({ kickoffRequired: true, major: false, decisionDate: localDay(40) });
    expect(
      planned.body.milestones.find((m: { milestone: string }) => m.milestone === 'deep_engagement'),
    ).toEqual({
      milestone: 'deep_engagement',
      milestoneIndex: 1,
      plannedDate: localDay(10),
      actualDate: localDay(0),
      skipped: false,
      slippageDays: -10,
    });

    expect((await complete(SR, id, 'technical_breakthrough_2')).status).toBe(200);
    expect((await complete(repA1, id, 'business_breakthrough')).status).toBe(200);
    expect((await complete(repA1, id, 'contract_signed')).status).toBe(200);

    const closing = {
      body: await readUntil(FR, `/api/opportunities/${id}/closing-summary`, (b) => b.summary !== null),
    };
    expect(closing.body.summary).toMatchObject({ outcome: 'won', competitors: ['Huawei'], lostReason: null });
    expect(closing.body.handover).toMatchObject({ status: 'pending', acceptorId: FR.id, acceptedAt: null });

    const missing = await app.api(FR, 'POST', `/api/opportunities/${id}/handover/acceptance`, {
      documents: DOCUMENTS.slice(2),
    });
    expect([missing.status, missing.body.error.code, missing.body.error.details]).toEqual([
      422,
      'HANDOVER_DOCUMENTS_MISSING',
      { missing: DOCUMENTS.slice(0, 2) },
    ]);
    const notFr = await app.api(repA1, 'POST', `/api/opportunities/${id}/handover/acceptance`, {
      documents: DOCUMENTS,
    });
    expect([notFr.status, notFr.body.error.code]).toEqual([403, 'NOT_HANDOVER_ACCEPTOR']);
    expect(
      (await app.api(FR, 'POST', `/api/opportunities/${id}/handover/acceptance`, { documents: DOCUMENTS }))
        .status,
    ).toBe(200);
    for (const item of PSM_PROCESS.execution.checklist) {
      if (item.key === PSM_PROCESS.ltc.handover.checklistItem) continue;
      const res = await app.api(
        repA1,
        'PUT',
        `/api/opportunities/${id}/checklist/contract_execution/${item.key}`,
        { done: true },
      );
      expect(res.status).toBe(200);
    }
    const done = await waitUntil(
      async () => {
        const res = await app.api(repA1, 'GET', `/api/opportunities/${id}/closing-summary`);
        return res.body.executionCompletedAt ? res.body : undefined;
      },
      20_000,
      'the completed deal in the read model',
    );
    expect(done.handover).toMatchObject({ status: 'accepted', acceptorId: FR.id });

    // The summary was mailed to the team, the owner and the manager; the handover request to the FR.
    const mails = await waitUntil(
      async () => {
        const rows = await app.db.prisma.emailMessage.findMany({ where: { opportunityId: id } });
        // Both go through the outbox in the background: wait for each, not only the summary.
        const summaries = rows.filter((r) => r.template === 'closing_summary').length;
        const requests = rows.filter((r) => r.template === 'handover_request').length;
        return summaries >= 4 && requests >= 1 ? rows : undefined;
      },
      20_000,
      'the closing summary and handover request mails',
    );
    const to = (template: string) =>
      mails
        .filter((m) => m.template === template)
        .map((m) => m.toUserId)
        .sort();
    expect(to('closing_summary')).toEqual([repA1.id, SR.id, FR.id, managerA.id].sort());
    expect(to('handover_request')).toEqual([FR.id]);

    // The team rows in the read model; a completed deal's team is final.
    const rows = await app.db.prisma.opportunityTeamMember.findMany({ where: { opportunityId: id } });
    expect(rows.map((r) => r.role).sort()).toEqual(['AR', 'FR', 'SR']);
    // The read model shows the completion before the workflow has finished its last mails: a team
    // change is refused as closed once the run has completed.
    await waitUntil(
      async () => {
        const { status } = await app.client.workflow.getHandle(id).describe();
        return status.name === 'COMPLETED' ? status : undefined;
      },
      20_000,
      'the deal workflow completed',
    );
    const late = await app.api(managerA, 'DELETE', `/api/opportunities/${id}/team/${SR.id}`);
    expect([late.status, late.body.error.code]).toEqual([422, 'DEAL_CLOSED']);
  });
});
