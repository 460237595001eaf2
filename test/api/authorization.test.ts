// Authorization rules through the real app (real Temporal, PostgreSQL and worker): owner changes,
// approvals that follow the amount and are never self-decided, and a reorganisation (PATCH of a
// user's manager) reaching the running deals of that user within a minute.
import { createDeal as createDealVia, startTestApp, type TestApp, type TestUser } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const createDeal = (user: TestUser, amount = 300_000) =>
  createDealVia(app, { name: 'Core banking', account: 'Wuxi Bank', amount }, user);

async function requestGate(user: TestUser, id: string): Promise<string> {
  const res = await app.api(user, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  expect(res.status).toBe(200);
  return res.body.approvalId as string;
}

/** A new rep under `managerId`, with a token, so reorganising them disturbs no other test. */
async function newRep(name: string, managerId: string): Promise<TestUser> {
  const email = `${name}@test.psm`;
  const created = await app.api(app.org.admin, 'POST', '/api/users', { name, email, role: 'rep', managerId });
  expect(created.status).toBe(201);
  const issued = await app.api(app.org.admin, 'POST', `/api/users/${created.body.id}/tokens`, { label: 't' });
  expect(issued.status).toBe(201);
  return { id: created.body.id as string, email, token: issued.body.token as string, role: 'rep' };
}

const logCall = (user: TestUser, id: string) =>
  app.api(user, 'POST', `/api/opportunities/${id}/activities`, {
    kind: 'call',
    occurredAt: new Date().toISOString(),
    note: 'Weekly call',
  });

describe('changing a deal’s owner (issue 9 item 9)', () => {
  it('refuses an owner outside the actor’s line or deactivated, with a code; allows one inside it', async () => {
    const id = await createDeal(app.org.repA1);
    const patch = (user: TestUser, ownerId: string) =>
      app.api(user, 'PATCH', `/api/opportunities/${id}`, { ownerId });

    expect(await patch(app.org.repA1, app.org.repA2.id)).toMatchObject({
      status: 403,
      body: { error: { code: 'OWNER_OUTSIDE_LINE' } },
    });
    expect(await patch(app.org.managerA, app.org.repB1.id)).toMatchObject({
      status: 403,
      body: { error: { code: 'OWNER_OUTSIDE_LINE' } },
    });
    const leaver = await newRep('leaver', app.org.managerA.id);
    expect((await app.api(app.org.admin, 'PATCH', `/api/users/${leaver.id}`, { active: false })).status).toBe(
      200,
    );
    expect(await patch(app.org.managerA, leaver.id)).toMatchObject({
      status: 422,
      body: { error: { code: 'OWNER_INACTIVE' } },
    });
    expect((await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body.ownerId).toBe(
      app.org.repA1.id,
    );

    expect((await patch(app.org.managerA, app.org.repA2.id)).status).toBe(200);
    expect((await app.api(app.org.repA2, 'GET', `/api/opportunities/${id}`)).body.ownerId).toBe(
      app.org.repA2.id,
    );
  });
});

describe('approvals (issue 9 items 10 and 11)', () => {
  it('a gate asked while the deal looked small goes to the director once the amount is raised', async () => {
    const id = await createDeal(app.org.repA1, 300_000);
    const gate = await requestGate(app.org.repA1, id);
    expect(
      (await app.api(app.org.repA1, 'PATCH', `/api/opportunities/${id}`, { amount: 2_400_000 })).status,
    ).toBe(200);
    const state = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body;
    const pending = state.approvals.filter((a: { status: string }) => a.status === 'pending');
    expect(pending).toEqual([expect.objectContaining({ approverId: app.org.director.id })]);
    const byManager = await app.api(
      app.org.managerA,
      'POST',
      `/api/opportunities/${id}/approvals/${gate}/decision`,
      { decision: 'approved' },
    );
    expect(byManager.body.error.code).toBe('ALREADY_DECIDED');
    // The read model's "waiting for me" follows: the director has it, the manager does not.
    await waitUntil(async () => {
      const row = await app.db.prisma.approval.findUnique({ where: { id: pending[0].id } });
      return row?.approverId === app.org.director.id && row.status === 'pending';
    });
    expect((await app.db.prisma.approval.findUnique({ where: { id: gate } }))?.status).toBe('cancelled');
  });

  it('a manager cannot approve the gate they asked for: it goes one level up', async () => {
    const id = await createDeal(app.org.repA1);
    const gate = await requestGate(app.org.managerA, id);
    const state = (await app.api(app.org.managerA, 'GET', `/api/opportunities/${id}`)).body;
    expect(state.approvals).toEqual([expect.objectContaining({ id: gate, approverId: app.org.director.id })]);
    const own = await app.api(
      app.org.managerA,
      'POST',
      `/api/opportunities/${id}/approvals/${gate}/decision`,
      {
        decision: 'approved',
      },
    );
    expect(own).toMatchObject({ status: 403, body: { error: { code: 'NOT_APPROVER' } } });
    const byDirector = await app.api(
      app.org.director,
      'POST',
      `/api/opportunities/${id}/approvals/${gate}/decision`,
      { decision: 'approved' },
    );
    expect(byDirector.status).toBe(200);
  });

  it('an admin cannot approve what they asked for', async () => {
    const id = await createDeal(app.org.repA1);
    const gate = await requestGate(app.org.admin, id);
    const own = await app.api(app.org.admin, 'POST', `/api/opportunities/${id}/approvals/${gate}/decision`, {
      decision: 'approved',
    });
    expect(own).toMatchObject({ status: 403, body: { error: { code: 'SELF_APPROVAL' } } });
  });
});

describe('a reorganisation (issue 9 item 24)', () => {
  it('the new manager can act on the moved rep’s deals within a minute of the PATCH; the old one cannot', async () => {
    const mover = await newRep('mover', app.org.managerA.id);
    const id = await createDeal(mover);
    await waitUntil(async () => (await app.db.prisma.opportunity.findUnique({ where: { id } })) !== null);
    expect((await logCall(app.org.managerB, id)).status).toBe(403);

    const patchedAt = Date.now();
    const moved = await app.api(app.org.admin, 'PATCH', `/api/users/${mover.id}`, {
      managerId: app.org.managerB.id,
    });
    expect(moved.status).toBe(200);
    await waitUntil(async () => (await logCall(app.org.managerB, id)).status === 200, 60_000);
    const tookMs = Date.now() - patchedAt;
    console.log(`a reorganisation reached the deal ${tookMs} ms after the PATCH`);
    expect(tookMs).toBeLessThan(60_000);
    expect((await logCall(app.org.managerA, id)).status).toBe(403);

    const state = (await app.api(app.org.managerB, 'GET', `/api/opportunities/${id}`)).body;
    expect(state.events).toContainEqual(
      expect.objectContaining({
        type: 'reporting_line_changed',
        payload: expect.objectContaining({
          trigger: 'reorganisation',
          to: [app.org.managerB.id, app.org.director.id],
        }),
      }),
    );
  });
});
