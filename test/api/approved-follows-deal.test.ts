// Issue 9 item 10, the approved half, through the real app (real Temporal, PostgreSQL, worker):
// a gate the manager approved while the deal looked small no longer counts once the amount
// rises past the director threshold; completing the milestone needs the director. Also: a new
// deal starts with the configured workflow task timeout (issue 9 item 4).
import { createDeal as createDealVia, startTestApp, type TestApp, type TestUser } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const createDeal = (user: TestUser, amount: number) =>
  createDealVia(app, { name: 'Plant MES', account: 'Jinhua Steel', amount }, user);

const completeInitiation = (user: TestUser, id: string) =>
  app.api(user, 'POST', `/api/opportunities/${id}/milestones`, {
    milestone: 'project_initiation',
    criteriaMet: ['need_clear', 'value_fit'],
    evidence: 'Minutes of the kick-off with the plant manager.',
  });

const decide = (user: TestUser, id: string, approvalId: string) =>
  app.api(user, 'POST', `/api/opportunities/${id}/approvals/${approvalId}/decision`, {
    decision: 'approved',
  });

describe('an approved gate not used yet follows the amount', () => {
  it('ask while small, manager approves, raise the amount: the milestone needs the director', async () => {
    const id = await createDeal(app.org.repA1, 300_000);
    const asked = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
      kind: 'milestone_gate',
      milestone: 'project_initiation',
      reason: 'Need is clear',
    });
    expect(asked.status).toBe(200);
    const gate = asked.body.approvalId as string;
    expect((await decide(app.org.managerA, id, gate)).status).toBe(200);
    await waitUntil(
      async () => (await app.db.prisma.approval.findUnique({ where: { id: gate } }))?.status === 'approved',
    );

    expect(
      (await app.api(app.org.repA1, 'PATCH', `/api/opportunities/${id}`, { amount: 2_400_000 })).status,
    ).toBe(200);
    const refused = await completeInitiation(app.org.repA1, id);
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'APPROVAL_PENDING' } } });

    // The read model: the manager's approval row moves approved -> cancelled (who decided it
    // stays), and the director has the re-asked gate waiting.
    await waitUntil(
      async () => (await app.db.prisma.approval.findUnique({ where: { id: gate } }))?.status === 'cancelled',
    );
    expect(await app.db.prisma.approval.findUnique({ where: { id: gate } })).toMatchObject({
      status: 'cancelled',
      decidedById: app.org.managerA.id,
    });
    const pending = await app.db.prisma.approval.findMany({
      where: { opportunityId: id, status: 'pending' },
    });
    expect(pending).toEqual([
      expect.objectContaining({ approverId: app.org.director.id, requestedById: app.org.repA1.id }),
    ]);

    expect((await decide(app.org.director, id, pending[0]!.id)).status).toBe(200);
    expect((await completeInitiation(app.org.repA1, id)).status).toBe(200);
  });

  it('a new deal runs with the configured workflow task timeout (4 s), not Temporal’s 10 s', async () => {
    const id = await createDeal(app.org.repA1, 300_000);
    const { raw } = await app.client.workflow.getHandle(id).describe();
    const timeout = raw.executionConfig?.defaultWorkflowTaskTimeout;
    expect(Number(timeout?.seconds ?? 0) + (timeout?.nanos ?? 0) / 1e9).toBe(4);
  });
});
