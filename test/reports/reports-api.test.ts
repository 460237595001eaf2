// The report and target routes on the real app: scoping by reporting line (403 outside it),
// query parsing (400, never 500), and the same numbers as the domain functions.
import { startTestApp, type TestApp } from '../support/app';
import { Q1, seedQuarter, seedTargets } from './scenario';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await seedQuarter(app.db.prisma, app.org);
  await seedTargets(app.db.prisma, app.org);
});
afterAll(async () => {
  await app?.stop();
});

const REPORTS = ['funnel', 'forecast', 'movement', 'bottlenecks'] as const;
const q = (extra = '') => `from=${Q1.from}&to=${Q1.to}${extra}`;

describe('report scoping', () => {
  it('gives a manager their line, with team and rep filters inside it', async () => {
    const { managerA, repA2 } = app.org;
    const team = await app.api(managerA, 'GET', `/api/reports/funnel?${q()}`);
    expect(team.status).toBe(200);
    expect(team.body.scope).toEqual({ team: null, rep: null, userCount: 3 });
    expect(team.body.stages.map((s: { reached: number }) => s.reached)).toEqual([6, 6, 5, 3, 2, 1]);
    expect(team.body.period).toEqual({ from: '2025-12-31T16:00:00.000Z', to: '2026-03-31T16:00:00.000Z' });

    const rep = await app.api(managerA, 'GET', `/api/reports/funnel?${q(`&rep=${repA2.id}`)}`);
    expect(rep.body.stages.map((s: { reached: number }) => s.reached)).toEqual([3, 3, 3, 2, 1, 0]);
    const both = await app.api(
      managerA,
      'GET',
      `/api/reports/forecast?${q(`&team=${managerA.id}&rep=${repA2.id}`)}`,
    );
    expect(both.body.totals).toMatchObject({ target: 900_000, pipeline: { weighted: 235_000 } });
  });

  it('gives a rep only their own deals and refuses their team with 403', async () => {
    const { repA1, managerA, repA2 } = app.org;
    const own = await app.api(repA1, 'GET', `/api/reports/forecast?${q()}`);
    expect(own.status).toBe(200);
    expect(own.body.byRep.map((l: { userId: string }) => l.userId)).toEqual([repA1.id]);
    for (const report of REPORTS) {
      expect(
        await app.api(repA1, 'GET', `/api/reports/${report}?${q(`&team=${managerA.id}`)}`),
      ).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
      expect((await app.api(repA1, 'GET', `/api/reports/${report}?${q(`&rep=${repA2.id}`)}`)).status).toBe(
        403,
      );
    }
  });

  it("refuses a manager another manager's team or rep, and lets the director and admin see both", async () => {
    const { managerA, managerB, repB1, director, admin } = app.org;
    expect(
      (await app.api(managerA, 'GET', `/api/reports/movement?${q(`&team=${managerB.id}`)}`)).status,
    ).toBe(403);
    expect((await app.api(managerA, 'GET', `/api/reports/bottlenecks?${q(`&rep=${repB1.id}`)}`)).status).toBe(
      403,
    );
    const b = await app.api(director, 'GET', `/api/reports/forecast?${q(`&team=${managerB.id}`)}`);
    expect(b).toMatchObject({ status: 200, body: { totals: { onHold: { count: 1, amount: 1_000_000 } } } });
    const all = await app.api(admin, 'GET', `/api/reports/funnel?${q()}`);
    expect(all.body.scope.userCount).toBeNull();
    expect(all.body.stages[0].reached).toBe(8);
    expect(
      (await app.api(admin, 'GET', `/api/reports/funnel?${q('&team=00000000-0000-4000-8000-000000000000')}`))
        .status,
    ).toBe(404);
  });

  it('answers 400 when the rep is not in the asked-for team', async () => {
    const { director, managerA, repB1 } = app.org;
    expect(
      await app.api(director, 'GET', `/api/reports/funnel?${q(`&team=${managerA.id}&rep=${repB1.id}`)}`),
    ).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  });
});

describe('report query parsing', () => {
  it.each([
    ['no period', ''],
    ['no to', 'from=2026-01-01'],
    ['garbage date', 'from=yesterday&to=2026-03-31'],
    ['impossible date', 'from=2026-02-30&to=2026-03-31'],
    ['month 13', 'from=2026-13-45&to=2026-03-31'],
    ['from after to', 'from=2026-04-01&to=2026-03-31'],
    ['team not a uuid', `${q()}&team=bob`],
    ['unknown parameter', `${q()}&colour=red`],
    ['repeated parameter', `${q()}&from=2026-02-01`],
    ['over three years', 'from=2020-01-01&to=2026-01-01'],
  ])('answers 400 for %s', async (_what, query) => {
    for (const report of REPORTS) {
      const res = await app.api(app.org.managerA, 'GET', `/api/reports/${report}?${query}`);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    }
  });

  it('answers 400 for a bad margin or sample size, and honours good ones', async () => {
    const { managerA } = app.org;
    expect((await app.api(managerA, 'GET', `/api/reports/bottlenecks?${q('&marginPct=-1')}`)).status).toBe(
      400,
    );
    expect((await app.api(managerA, 'GET', `/api/reports/bottlenecks?${q('&minSample=0')}`)).status).toBe(
      400,
    );
    const res = await app.api(managerA, 'GET', `/api/reports/bottlenecks?${q('&marginPct=15&minSample=3')}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ marginPct: 15, minSample: 3 });
    expect(res.body.flagged.map((f: { userId: string }) => f.userId)).toEqual([
      app.org.repA1.id,
      app.org.repA1.id,
    ]);
  });

  it('accepts ISO date-times with an offset as bounds', async () => {
    const res = await app.api(
      app.org.admin,
      'GET',
      `/api/reports/movement?from=${encodeURIComponent('2026-01-01T00:00:00+08:00')}&to=${encodeURIComponent('2026-04-01T00:00:00+08:00')}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.period).toEqual({ from: '2025-12-31T16:00:00.000Z', to: '2026-03-31T16:00:00.000Z' });
  });

  it('documents every report route in OpenAPI', async () => {
    const doc = (await app.api(app.org.admin, 'GET', '/api/openapi.json')).body;
    for (const report of REPORTS)
      expect(doc.paths[`/api/reports/${report}`].get.parameters.map((p: { name: string }) => p.name)).toEqual(
        expect.arrayContaining(['from', 'to', 'team', 'rep']),
      );
    expect(doc.paths['/api/targets/{userId}'].put).toBeDefined();
    expect(doc.paths['/api/admin/weekly-report/pause'].post).toBeDefined();
  });
});

describe('targets', () => {
  const body = { periodStart: '2026-04-01', periodEnd: '2026-06-30', amount: 750_000 };

  it('lets a manager set and replace a target for their rep, and shows it in the forecast', async () => {
    const { managerA, repA1 } = app.org;
    const created = await app.api(managerA, 'PUT', `/api/targets/${repA1.id}`, body);
    expect(created).toMatchObject({
      status: 201,
      body: { userId: repA1.id, periodStart: '2026-04-01', periodEnd: '2026-06-30', amount: 750_000 },
    });
    const replaced = await app.api(managerA, 'PUT', `/api/targets/${repA1.id}`, { ...body, amount: 800_000 });
    expect(replaced).toMatchObject({ status: 200, body: { amount: 800_000 } });
    const q2 = await app.api(
      managerA,
      'GET',
      `/api/reports/forecast?from=2026-04-01&to=2026-06-30&rep=${repA1.id}`,
    );
    expect(q2.body.totals.target).toBe(800_000);
    const listed = await app.api(repA1, 'GET', '/api/targets?from=2026-04-01');
    expect(listed.body.targets).toEqual([
      expect.objectContaining({ periodStart: '2026-04-01', amount: 800_000 }),
    ]);
  });

  it('refuses overlapping periods of one user with 409', async () => {
    const res = await app.api(app.org.managerA, 'PUT', `/api/targets/${app.org.repA1.id}`, {
      periodStart: '2026-03-01',
      periodEnd: '2026-03-31',
      amount: 1,
    });
    expect(res).toMatchObject({
      status: 409,
      body: { error: { code: 'CONFLICT', details: { existing: { periodStart: '2026-01-01' } } } },
    });
  });

  it('refuses reps, managers outside their line and self-set targets with 403; admins set any', async () => {
    const { repA1, repA2, managerA, managerB, repB1, admin, director } = app.org;
    expect((await app.api(repA1, 'PUT', `/api/targets/${repA1.id}`, body)).status).toBe(403);
    expect((await app.api(repA1, 'PUT', `/api/targets/${repA2.id}`, body)).status).toBe(403);
    expect((await app.api(managerA, 'PUT', `/api/targets/${repB1.id}`, body)).status).toBe(403);
    expect((await app.api(managerA, 'PUT', `/api/targets/${managerA.id}`, body)).status).toBe(403);
    expect((await app.api(director, 'PUT', `/api/targets/${managerB.id}`, body)).status).toBe(201);
    expect((await app.api(admin, 'PUT', `/api/targets/${director.id}`, body)).status).toBe(201);
    expect(
      (await app.api(admin, 'PUT', '/api/targets/00000000-0000-4000-8000-000000000000', body)).status,
    ).toBe(404);
    expect((await app.api(managerA, 'GET', `/api/targets?team=${managerB.id}`)).status).toBe(403);
    const mine = await app.api(managerB, 'GET', '/api/targets');
    expect(mine.body.targets.map((t: { userId: string }) => t.userId)).toEqual([managerB.id]);
  });

  it('answers 400 for a bad target', async () => {
    const { managerA, repA1 } = app.org;
    for (const bad of [
      { ...body, periodEnd: '2026-03-01' },
      { ...body, periodStart: '2026-02-30' },
      { ...body, amount: -5 },
      { ...body, amount: 'lots' },
      { ...body, extra: true },
      { periodStart: '2026-04-01' },
    ]) {
      expect(await app.api(managerA, 'PUT', `/api/targets/${repA1.id}`, bad)).toMatchObject({
        status: 400,
        body: { error: { code: 'INVALID_INPUT' } },
      });
    }
    expect((await app.api(managerA, 'PUT', '/api/targets/not-a-uuid', body)).status).toBe(400);
  });
});

describe('weekly report admin routes', () => {
  it('are for admins only', async () => {
    for (const action of ['pause', 'resume', 'trigger']) {
      expect((await app.api(app.org.director, 'POST', `/api/admin/weekly-report/${action}`)).status).toBe(
        403,
      );
    }
    expect((await app.api(app.org.managerA, 'GET', '/api/admin/weekly-report')).status).toBe(403);
  });
});
