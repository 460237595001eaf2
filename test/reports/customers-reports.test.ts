// The customer reports (issue 11) on the real app over a real PostgreSQL: the six-step funnel,
// claim utilisation and lapses per month, with every number worked out by hand from
// customers-seed.ts; scoping by reporting line (403 outside it) and query parsing (400, never 500).
import { startTestApp, type TestApp } from '../support/app';
import { seedCustomerQuarter } from './customers-seed';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await seedCustomerQuarter(app.db.prisma, app.org, new Date());
});
afterAll(async () => {
  await app?.stop();
});

const Q1 = 'from=2026-01-01&to=2026-03-31';
type Step = {
  key: string;
  held: number;
  reached: number;
  advancedToNext: number | null;
  conversionToNext: number | null;
};
type Line = { userId: string | null; name: string | null; steps: Step[]; success: Record<string, unknown> };
/** [held, reached, advancedToNext] per step, target → active. */
const cols = (l: Line) => l.steps.map((s) => [s.held, s.reached, s.advancedToNext]);
const rates = (l: Line) => l.steps.map((s) => s.conversionToNext);

describe('six-step customer funnel', () => {
  it("gives a manager their line's funnel per rep and in total, with the seed's benchmark", async () => {
    const { managerA, repA1, repA2 } = app.org;
    const res = await app.api(managerA, 'GET', `/api/reports/customers/funnel?${Q1}`);
    expect(res.status).toBe(200);
    const body = res.body as {
      byRep: Line[];
      totals: Line;
      pool: number;
      steps: { key: string }[];
      scope: unknown;
    };
    expect(body.scope).toEqual({ team: null, rep: null, userCount: 3 });
    expect(body.steps.map((s) => s.key)).toEqual([
      'target',
      'listed',
      'potential',
      'intent',
      'order',
      'active',
    ]);
    expect(body.pool).toBe(3); // A7, A8, A10
    expect(body.byRep.map((l) => l.name)).toEqual(['Ravi Rep', 'Rita Rep']);
    const a1 = body.byRep.find((l) => l.userId === repA1.id)!;
    const a2 = body.byRep.find((l) => l.userId === repA2.id)!;
    // repA1 claimed A1, A2, A3 in Q1 (A4 in December); A1 and A2 moved on, A3 lapsed.
    expect(cols(a1)).toEqual([
      [0, 0, 0],
      [0, 3, 2],
      [1, 3, 2], // A1 (signal), A2 (skipped on the deal), A4; A1 and A2 went on to intent
      [1, 2, 1],
      [1, 1, 0],
      [0, 0, null],
    ]);
    expect(rates(a1)).toEqual([null, 0.6667, 0.6667, 0.5, 0, null]);
    expect(a1.success).toEqual({
      claimed: 3,
      ordered: 1,
      rate: 0.3333,
      benchmark: 0.15,
      atOrAboveBenchmark: true,
    });
    // repA2 claimed A3 (credited through the owner history), A5, A6, A10; A6 went all the way;
    // A11 (no owner change on record) reached order, credited to its holder.
    expect(cols(a2)).toEqual([
      [0, 0, 0],
      [1, 4, 1],
      [1, 1, 1],
      [0, 1, 1],
      [1, 2, 1],
      [1, 1, null],
    ]);
    expect(a2.success).toMatchObject({ claimed: 4, ordered: 1, rate: 0.25 });
    // The line counts each account once: A3 was claimed by both reps.
    expect(cols(body.totals)).toEqual([
      [0, 0, 0],
      [1, 6, 3],
      [2, 4, 3],
      [1, 3, 2],
      [2, 3, 1],
      [1, 1, null],
    ]);
    expect(body.totals.success).toEqual({
      claimed: 6,
      ordered: 2,
      rate: 0.3333,
      benchmark: 0.15,
      atOrAboveBenchmark: true,
    });
  });

  it('narrows to a rep, shows a rep below the benchmark, and counts only moves inside the period', async () => {
    const { director, repB1, repA1 } = app.org;
    const b = await app.api(director, 'GET', `/api/reports/customers/funnel?${Q1}&rep=${repB1.id}`);
    expect(b.status).toBe(200);
    expect(b.body.scope).toEqual({ team: null, rep: repB1.id, userCount: 1 });
    expect(b.body.byRep.map((l: Line) => l.userId)).toEqual([repB1.id]);
    expect(cols(b.body.totals)[1]).toEqual([50, 2, 0]); // A7 (lapsed), A9; held: A9 and 49 more
    expect(b.body.totals.success).toEqual({
      claimed: 2,
      ordered: 0,
      rate: 0,
      benchmark: 0.15,
      atOrAboveBenchmark: false,
    });
    // February only: repA1 reached potential (A1) and intent (A1); nothing claimed.
    const feb = await app.api(
      director,
      'GET',
      `/api/reports/customers/funnel?from=2026-02-01&to=2026-02-28&rep=${repA1.id}`,
    );
    expect(cols(feb.body.totals).map((c) => c[1])).toEqual([0, 0, 1, 1, 0, 0]);
    expect(feb.body.totals.success).toMatchObject({ claimed: 0, rate: null, atOrAboveBenchmark: null });
  });

  it('refuses a rep their team and another rep, and a manager the other line', async () => {
    const { repA1, repA2, managerA, managerB, repB1 } = app.org;
    const own = await app.api(repA1, 'GET', `/api/reports/customers/funnel?${Q1}`);
    expect(own.status).toBe(200);
    expect(own.body.byRep.map((l: Line) => l.userId)).toEqual([repA1.id]);
    expect(own.body.totals.success.claimed).toBe(3);
    for (const report of ['funnel', 'claims', 'lapses']) {
      const q = report === 'claims' ? '' : `${Q1}&`;
      expect(
        await app.api(repA1, 'GET', `/api/reports/customers/${report}?${q}team=${managerA.id}`),
      ).toMatchObject({
        status: 403,
        body: { error: { code: 'FORBIDDEN' } },
      });
      expect(
        (await app.api(repA1, 'GET', `/api/reports/customers/${report}?${q}rep=${repA2.id}`)).status,
      ).toBe(403);
      expect(
        (await app.api(managerB, 'GET', `/api/reports/customers/${report}?${q}rep=${repA1.id}`)).status,
      ).toBe(403);
      expect(
        (await app.api(managerA, 'GET', `/api/reports/customers/${report}?${q}rep=${repB1.id}`)).status,
      ).toBe(403);
    }
  });

  it('answers 400 with a reason for a bad period or an unknown field, never 500', async () => {
    const { managerA } = app.org;
    for (const q of [
      'from=2026-03-01&to=2026-02-01',
      'from=2026-02-30&to=2026-03-01',
      'to=2026-03-01',
      `${Q1}&x=1`,
      'from=2020-01-01&to=2026-01-01',
    ]) {
      for (const report of ['funnel', 'lapses']) {
        const res = await app.api(managerA, 'GET', `/api/reports/customers/${report}?${q}`);
        expect([res.status, res.body.error.code]).toEqual([400, 'INVALID_INPUT']);
      }
    }
    expect((await app.api(managerA, 'GET', '/api/reports/customers/claims?team=nope')).status).toBe(400);
  });
});

describe('claim utilisation', () => {
  it("counts claims held against the team's cap per rep; active customers and pool accounts do not count", async () => {
    const { managerA, repA1, repA2, admin } = app.org;
    await app.db.prisma.$executeRaw`
      INSERT INTO "TeamClaimCap" ("managerId", "cap", "setById", "updatedAt")
      VALUES (${managerA.id}::uuid, 40, ${admin.id}::uuid, now())
      ON CONFLICT ("managerId") DO NOTHING`;
    const res = await app.api(managerA, 'GET', '/api/reports/customers/claims');
    expect(res.status).toBe(200);
    expect(res.body.byRep).toEqual([
      // A3 (in warning), A5 (its lapse time passed: not in warning any more), A11; A6 is active
      {
        userId: repA2.id,
        name: 'Ravi Rep',
        held: 3,
        cap: 40,
        utilisation: 0.075,
        active: 1,
        inWarning: 1,
        atCap: 0,
      },
      {
        userId: repA1.id,
        name: 'Rita Rep',
        held: 3,
        cap: 40,
        utilisation: 0.075,
        active: 0,
        inWarning: 0,
        atCap: 0,
      },
    ]);
    expect(res.body.totals).toEqual({
      userId: null,
      name: null,
      held: 6,
      cap: 80,
      utilisation: 0.075,
      active: 1,
      inWarning: 1,
      atCap: 0,
    });
  });

  it('shows the company to an admin, with a rep at the default cap', async () => {
    const { admin, repB1 } = app.org;
    const res = await app.api(admin, 'GET', '/api/reports/customers/claims');
    expect(res.body.scope.userCount).toBeNull();
    expect(res.body.byRep.find((l: { userId: string }) => l.userId === repB1.id)).toMatchObject({
      held: 50,
      cap: 50,
      utilisation: 1,
      atCap: 1,
    });
    expect(res.body.totals).toMatchObject({ held: 56, cap: 130, utilisation: 0.4308, atCap: 1 });
  });
});

describe('lapses per rep per month', () => {
  it('counts lapses by local month against the rep who lost the claim', async () => {
    const { managerA, director, repA1, repA2, repB1 } = app.org;
    const a = await app.api(managerA, 'GET', `/api/reports/customers/lapses?${Q1}`);
    expect(a.status).toBe(200);
    expect(a.body.months).toEqual(['2026-01', '2026-02', '2026-03']);
    // A10 lapsed at 01:00 on 1 February in Shanghai (still January in UTC).
    expect(a.body.byRep).toEqual([
      { userId: repA2.id, name: 'Ravi Rep', perMonth: [0, 1, 0], total: 1 },
      { userId: repA1.id, name: 'Rita Rep', perMonth: [0, 1, 0], total: 1 },
    ]);
    expect(a.body.totals).toEqual({ userId: null, name: null, perMonth: [0, 2, 0], total: 2 });
    const all = await app.api(director, 'GET', `/api/reports/customers/lapses?${Q1}`);
    expect(all.body.totals.perMonth).toEqual([1, 2, 0]);
    expect(all.body.byRep.find((l: { userId: string }) => l.userId === repB1.id).perMonth).toEqual([1, 0, 0]);
    const jan = await app.api(director, 'GET', '/api/reports/customers/lapses?from=2026-01-01&to=2026-01-31');
    expect([jan.body.months, jan.body.totals.perMonth]).toEqual([['2026-01'], [1]]);
  });
});
