// Someone must stay able to administer the system, every token expires, and a replayed create
// shows a deal only to who may see it now (issue 9 items 20 and 21).
import { startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

describe('the last active admin', () => {
  it('cannot demote or deactivate themselves (409 LAST_ADMIN) and stays admin', async () => {
    const { admin } = app.org;
    for (const body of [{ role: 'manager' }, { active: false }, { role: 'rep', active: false }]) {
      const res = await app.api(admin, 'PATCH', `/api/users/${admin.id}`, body);
      expect({ body, status: res.status, code: res.body?.error?.code }).toEqual({
        body,
        status: 409,
        code: 'LAST_ADMIN',
      });
    }
    const row = await app.db.prisma.user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(row).toMatchObject({ role: 'admin', active: true });

    // Renaming the last admin is fine.
    expect((await app.api(admin, 'PATCH', `/api/users/${admin.id}`, { name: 'Still Admin' })).status).toBe(
      200,
    );
  });

  it('serialises two admins demoting each other at once: one stays admin', async () => {
    const { admin } = app.org;
    const second = await app.api(admin, 'POST', '/api/users', {
      name: 'Second Admin',
      email: 'second.admin@test.psm',
      role: 'admin',
      locale: 'en',
    });
    expect(second.status).toBe(201);
    const results = await Promise.all([
      app.api(admin, 'PATCH', `/api/users/${second.body.id}`, { role: 'director' }),
      app.api(admin, 'PATCH', `/api/users/${admin.id}`, { role: 'director' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await app.db.prisma.user.count({ where: { role: 'admin', active: true } })).toBe(1);
  });
});

describe('token lifetime', () => {
  it('refuses never-expiring and over-long tokens with 400; an omitted lifetime gets the cap (90 days)', async () => {
    const { repA1 } = app.org;
    const url = `/api/users/${repA1.id}/tokens`;
    for (const ttlDays of [null, 91, 3650]) {
      const res = await app.api(repA1, 'POST', url, { label: 'forever', ttlDays });
      expect({ ttlDays, status: res.status, code: res.body?.error?.code }).toEqual({
        ttlDays,
        status: 400,
        code: 'INVALID_INPUT',
      });
    }
    const before = await app.db.prisma.apiToken.count({ where: { userId: repA1.id } });
    expect(before).toBe(1);

    const omitted = await app.api(repA1, 'POST', url, { label: 'default' });
    expect(omitted.status).toBe(201);
    const days = (Date.parse(omitted.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
    const short = await app.api(repA1, 'POST', url, { label: 'short', ttlDays: 7 });
    expect(short.status).toBe(201);
    expect(await app.db.prisma.apiToken.count({ where: { userId: repA1.id, expiresAt: null } })).toBe(0);
  });
});

describe('a replayed create (Idempotency-Key)', () => {
  it('is refused like any foreign deal once the caller may no longer see that deal', async () => {
    const { repA1, repA2, managerA } = app.org;
    const headers = { 'Idempotency-Key': 'replay-after-handover-01' };
    const body = { name: 'Handed over', account: 'Acme', amount: 1000 };
    const created = await app.api(repA1, 'POST', '/api/opportunities', body, headers);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const replay = await app.api(repA1, 'POST', '/api/opportunities', body, headers);
    expect(replay).toMatchObject({ status: 200, body: { id } });

    // The manager hands the deal to another rep of the line: repA1 may no longer see it.
    const moved = await app.api(managerA, 'PATCH', `/api/opportunities/${id}`, { ownerId: repA2.id });
    expect(moved.status).toBe(200);
    // The read model (which access checks read) follows the command just after it answers.
    await waitUntil(
      async () => (await app.db.prisma.opportunity.findUnique({ where: { id } }))?.ownerId === repA2.id,
      10_000,
      'the read model to show the new owner',
    );
    expect((await app.api(repA1, 'GET', `/api/opportunities/${id}`)).status).toBe(403);
    const again = await app.api(repA1, 'POST', '/api/opportunities', body, headers);
    expect(again).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(JSON.stringify(again.body)).not.toContain('Acme');
  });
});
