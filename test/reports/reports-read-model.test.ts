// The report functions against a real PostgreSQL read model built by the real projection from a
// scripted quarter (see scenario.ts for the deals and the hand-worked numbers below).
import { buildForecast } from '../../src/reports/build-forecast';
import { buildFunnel } from '../../src/reports/build-funnel';
import { findBottlenecks } from '../../src/reports/find-bottlenecks';
import { measureMovement } from '../../src/reports/measure-movement';
import { createTestOrg, type TestOrg } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { AS_OF, Q1_PERIOD, seedQuarter, seedTargets } from './scenario';

let db: TestDatabase;
let org: TestOrg;
let teamA: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createTestOrg(db);
  await seedQuarter(db.prisma, org);
  await seedTargets(db.prisma, org);
  teamA = [org.managerA.id, org.repA1.id, org.repA2.id];
});
afterAll(async () => {
  await db?.drop();
});

const q1 = (scopeUserIds: string[] | null) => ({ prisma: db.prisma, scopeUserIds, ...Q1_PERIOD });

describe('funnel', () => {
  it('counts deals reaching each milestone in the period, their amount and conversion to the next (team A)', async () => {
    const funnel = await buildFunnel(q1(teamA));
    expect(
      funnel.stages.map(({ key, reached, skipped, amount, advancedToNext, conversionToNext }) => ({
        key,
        reached,
        skipped,
        amount,
        advancedToNext,
        conversionToNext,
      })),
    ).toEqual([
      // D1 D2 D4 D5 D6 D8 (D3 reached it before Q1); all but the lost D4 moved on.
      {
        key: 'project_initiation',
        reached: 6,
        skipped: 0,
        amount: 1_220_000,
        advancedToNext: 5,
        conversionToNext: 0.8333,
      },
      // D1 D2 D3 D5 D6(skipped) D8; all but the stalled D3 moved on.
      {
        key: 'deep_engagement',
        reached: 6,
        skipped: 1,
        amount: 1_190_000,
        advancedToNext: 5,
        conversionToNext: 0.8333,
      },
      {
        key: 'technical_breakthrough_1',
        reached: 5,
        skipped: 0,
        amount: 1_140_000,
        advancedToNext: 3,
        conversionToNext: 0.6,
      },
      {
        key: 'technical_breakthrough_2',
        reached: 3,
        skipped: 0,
        amount: 1_000_000,
        advancedToNext: 2,
        conversionToNext: 0.6667,
      },
      {
        key: 'business_breakthrough',
        reached: 2,
        skipped: 0,
        amount: 500_000,
        advancedToNext: 1,
        conversionToNext: 0.5,
      },
      {
        key: 'contract_signed',
        reached: 1,
        skipped: 0,
        amount: 200_000,
        advancedToNext: null,
        conversionToNext: null,
      },
    ]);
    expect(funnel.stages[4]).toMatchObject({
      winPct: 75,
      name: { zh: '商务突破', en: 'Business breakthrough' },
    });
  });

  it('filters to one rep, and the whole company adds team B inside the period only', async () => {
    const repA2 = await buildFunnel(q1([org.repA2.id]));
    expect(repA2.stages.map((s) => s.reached)).toEqual([3, 3, 3, 2, 1, 0]);
    const all = await buildFunnel(q1(null));
    // D9 reached m0 and m1 in Q1; D10 reached m0 on 2026-04-01, after it; D11 reached m0 in Q1
    // but m1 only after Q1, so it did not convert within the period.
    expect(all.stages.map((s) => s.reached)).toEqual([8, 7, 5, 3, 2, 1]);
    expect(all.stages[0]).toMatchObject({ amount: 2_245_000, advancedToNext: 6, conversionToNext: 0.75 });
  });

  it('is all zeros for an empty period', async () => {
    const empty = await buildFunnel({
      ...q1(null),
      from: new Date('2025-07-01T00:00:00Z'),
      to: new Date('2025-10-01T00:00:00Z'),
    });
    expect(empty.stages.every((s) => s.reached === 0 && s.amount === 0)).toBe(true);
    expect(empty.stages[0]!.conversionToNext).toBeNull();
  });
});

describe('forecast', () => {
  it('weighs the open pipeline closing in the period against the remaining target, split commit / best case', async () => {
    const forecast = await buildForecast(q1(teamA));
    // Open and closing by 2026-03-31 (or undated): D1 25 % of 100k, D3 10 % of 50k, D5 75 % of 300k (commit),
    // D6 25 % of 40k, D7 0 % of 60k. D8 closes in June: not in this quarter's pipeline.
    expect(forecast.totals).toEqual({
      userId: null,
      name: null,
      target: 1_900_000, // 1 000 000 + 900 000 (90/365 of repA2's yearly 3 650 000)
      won: { count: 1, amount: 200_000 },
      remainingTarget: 1_700_000,
      pipeline: { count: 5, amount: 550_000, weighted: 265_000 },
      commit: { count: 1, amount: 300_000, weighted: 225_000 },
      bestCase: { count: 4, amount: 250_000, weighted: 40_000 },
      onHold: { count: 0, amount: 0 },
      coverage: 0.16, // 265 000 / 1 700 000
    });
    const byRep = Object.fromEntries(forecast.byRep.map((l) => [l.userId, l]));
    expect(byRep[org.repA1.id]).toMatchObject({
      name: 'Rita Rep',
      target: 1_000_000,
      won: { count: 1, amount: 200_000 },
      remainingTarget: 800_000,
      pipeline: { count: 2, amount: 150_000, weighted: 30_000 },
      coverage: 0.04,
    });
    expect(byRep[org.repA2.id]).toMatchObject({
      target: 900_000,
      won: { count: 0, amount: 0 },
      remainingTarget: 900_000,
      pipeline: { count: 3, amount: 400_000, weighted: 235_000 },
      commit: { count: 1, weighted: 225_000 },
      coverage: 0.26,
    });
    expect(forecast.byRep).toHaveLength(2);
  });

  it('counts deals on hold apart, and has no coverage without a target', async () => {
    const teamB = await buildForecast(q1([org.managerB.id, org.repB1.id]));
    // D10 (5 % of 70k) and D11 (10 % of 25k) are open now, though they moved after Q1: the
    // pipeline is what is open today.
    expect(teamB.totals).toMatchObject({
      target: 0,
      onHold: { count: 1, amount: 1_000_000 },
      pipeline: { count: 2, amount: 95_000, weighted: 6_000 },
      coverage: null,
    });
  });

  it('includes the June deal once the period reaches June', async () => {
    const h1 = await buildForecast({ ...q1(teamA), to: new Date('2026-06-30T16:00:00.000Z') });
    expect(h1.totals.pipeline).toEqual({ count: 6, amount: 1_050_000, weighted: 515_000 });
    // D8 sits at technical breakthrough 2: best case, not commit.
    expect(h1.totals.commit).toEqual({ count: 1, amount: 300_000, weighted: 225_000 });
    expect(h1.totals.bestCase).toEqual({ count: 5, amount: 750_000, weighted: 290_000 });
    // Targets pro rata: repA1's Q1 target whole, repA2's 181/365 of the year.
    expect(h1.totals.target).toBe(1_000_000 + 1_810_000);
  });
});

describe('movement', () => {
  it('counts created, advanced, stalled, won and lost deals from the journal', async () => {
    const m = await measureMovement({ ...q1(teamA), asOf: AS_OF });
    expect({
      created: m.created,
      advanced: m.advanced,
      stalled: m.stalled,
      won: m.won,
      lost: m.lost,
      stalledNow: m.stalledNow,
    }).toEqual({
      created: { count: 7, amount: 1_280_000 }, // all of team A but D3 (created in December)
      advanced: { count: 7, amount: 1_270_000 }, // all but D7
      stalled: { count: 1, amount: 50_000 },
      won: { count: 1, amount: 200_000 },
      lost: { count: 1, amount: 80_000 },
      stalledNow: { count: 1, amount: 50_000 },
    });
  });

  it('agrees with the journal: distinct deals per workflow event, for a team and the company', async () => {
    for (const scope of [teamA, null]) {
      const m = await measureMovement({ ...q1(scope), asOf: AS_OF });
      const events = await db.prisma.opportunityEvent.findMany({
        where: {
          occurredAt: { gte: Q1_PERIOD.from, lt: Q1_PERIOD.to },
          ...(scope ? { opportunity: { ownerId: { in: scope } } } : {}),
        },
        include: { opportunity: { select: { amount: true } } },
      });
      const fromJournal = (type: string) => {
        const deals = new Map(
          events.filter((e) => e.type === type).map((e) => [e.opportunityId, Number(e.opportunity.amount)]),
        );
        return { count: deals.size, amount: [...deals.values()].reduce((a, b) => a + b, 0) };
      };
      expect({
        created: m.created,
        advanced: m.advanced,
        stalled: m.stalled,
        won: m.won,
        lost: m.lost,
      }).toEqual({
        created: fromJournal('created'),
        advanced: fromJournal('milestone_reached'),
        stalled: fromJournal('sla_breached'),
        won: fromJournal('won'),
        lost: fromJournal('lost'),
      });
    }
    const company = await measureMovement({ ...q1(null), asOf: AS_OF });
    // Team B adds D9 (created, advanced), D10 (created d80; its first milestone came after Q1) and
    // D11 (created d79, advanced d80).
    expect([company.created, company.advanced]).toEqual([
      { count: 10, amount: 2_375_000 },
      { count: 9, amount: 2_295_000 },
    ]);
    expect(company.approvalWait[0]).toMatchObject({ decided: 2, pending: 1 }); // D9's cancelled gate is not a wait
  });

  it('measures days in stage of open deals as of now', async () => {
    const m = await measureMovement({ ...q1(teamA), asOf: AS_OF });
    expect(
      m.daysInStage.map(({ key, open, stalled, avgDays, maxDays }) => ({
        key,
        open,
        stalled,
        avgDays,
        maxDays,
      })),
    ).toEqual([
      { key: 'project_initiation', open: 1, stalled: 0, avgDays: 40, maxDays: 40 }, // D7 since creation
      { key: 'deep_engagement', open: 1, stalled: 1, avgDays: 37, maxDays: 37 }, // D3
      { key: 'technical_breakthrough_1', open: 2, stalled: 0, avgDays: 25, maxDays: 31 }, // D1 19, D6 31
      { key: 'technical_breakthrough_2', open: 1, stalled: 0, avgDays: 36, maxDays: 36 }, // D8
      { key: 'business_breakthrough', open: 1, stalled: 0, avgDays: 27, maxDays: 27 }, // D5
      { key: 'contract_signed', open: 0, stalled: 0, avgDays: null, maxDays: null },
    ]);
  });

  it('measures velocity from entering a milestone to moving past it, skipping skipped and lost ones', async () => {
    const m = await measureMovement({ ...q1(teamA), asOf: AS_OF });
    expect(m.velocity.map(({ key, transitions, avgDays }) => ({ key, transitions, avgDays }))).toEqual([
      { key: 'project_initiation', transitions: 6, avgDays: 6.2 }, // 10 5 11 3 7 1
      { key: 'deep_engagement', transitions: 4, avgDays: 4.8 }, // 10 5 3 1
      { key: 'technical_breakthrough_1', transitions: 3, avgDays: 3 }, // 5 3 1
      { key: 'technical_breakthrough_2', transitions: 2, avgDays: 4 },
      { key: 'business_breakthrough', transitions: 1, avgDays: 5 },
      { key: 'contract_signed', transitions: 0, avgDays: null },
    ]);
  });

  it('rates SLA breaches per milestone over visits that began in the period', async () => {
    const m = await measureMovement({ ...q1(teamA), asOf: AS_OF });
    expect(
      m.slaBreaches.map(({ key, entered, breached, rate }) => ({ key, entered, breached, rate })),
    ).toEqual([
      { key: 'project_initiation', entered: 6, breached: 0, rate: 0 },
      { key: 'deep_engagement', entered: 5, breached: 1, rate: 0.2 },
      { key: 'technical_breakthrough_1', entered: 5, breached: 0, rate: 0 },
      { key: 'technical_breakthrough_2', entered: 3, breached: 0, rate: 0 },
      { key: 'business_breakthrough', entered: 2, breached: 0, rate: 0 },
      { key: 'contract_signed', entered: 1, breached: 0, rate: null },
    ]);
    expect(m.slaBreaches[0]!.slaDays).toBe(14);
  });

  it('measures approval waits (decided in the period; pending as of now) and leaves cancelled ones out', async () => {
    const m = await measureMovement({ ...q1(teamA), asOf: AS_OF });
    expect(m.approvalWait).toEqual([
      { kind: 'milestone_gate', decided: 2, avgHours: 18, maxHours: 24, pending: 1, oldestPendingHours: 936 },
      {
        kind: 'skip_milestone',
        decided: 1,
        avgHours: 144,
        maxHours: 144,
        pending: 0,
        oldestPendingHours: null,
      },
      { kind: 'discount', decided: 1, avgHours: 24, maxHours: 24, pending: 0, oldestPendingHours: null },
    ]);
    const teamB = await measureMovement({ ...q1([org.managerB.id, org.repB1.id]), asOf: AS_OF });
    expect(teamB.approvalWait[0]).toMatchObject({ decided: 0, pending: 0 });
  });

  it('is empty for a period with nothing in it', async () => {
    const m = await measureMovement({
      prisma: db.prisma,
      scopeUserIds: teamA,
      from: new Date('2025-07-01T00:00:00Z'),
      to: new Date('2025-10-01T00:00:00Z'),
      asOf: AS_OF,
    });
    expect([m.created, m.advanced, m.stalled, m.won, m.lost]).toEqual(Array(5).fill({ count: 0, amount: 0 }));
    expect(m.velocity.every((v) => v.transitions === 0 && v.avgDays === null)).toBe(true);
    expect(m.approvalWait.every((a) => a.decided === 0)).toBe(true);
  });
});

describe('bottlenecks', () => {
  it("compares each rep's conversion with the team's and flags those a margin below it", async () => {
    const b = await findBottlenecks({ ...q1(teamA), marginPct: 15, minSample: 3 });
    expect(b.team.map((s) => [s.entered, s.advanced])).toEqual([
      [6, 5],
      [6, 5],
      [5, 3],
      [3, 2],
      [2, 1],
    ]);
    const repA1 = b.reps.find((r) => r.userId === org.repA1.id)!;
    expect(repA1.transitions.map((t) => [t.entered, t.advanced, t.rate, t.gapPct, t.flagged])).toEqual([
      [3, 2, 0.6667, 16.67, true],
      [3, 2, 0.6667, 16.67, true],
      [2, 1, 0.5, 10, false],
      [1, 1, 1, -33.33, false],
      [1, 1, 1, -50, false],
    ]);
    expect(b.flagged.map((f) => [f.name, f.from, f.to])).toEqual([
      ['Rita Rep', 'project_initiation', 'deep_engagement'],
      ['Rita Rep', 'deep_engagement', 'technical_breakthrough_1'],
    ]);
  });

  it('does not judge small samples, and flags a gap of exactly the margin', async () => {
    expect((await findBottlenecks(q1(teamA))).flagged).toEqual([]); // default 20 points, 5 deals
    const strict = await findBottlenecks({ ...q1(teamA), marginPct: 50, minSample: 1 });
    // repA2 took D5 to business breakthrough but not on (0 %), the team 1 of 2 (50 %).
    expect(strict.flagged).toEqual([
      expect.objectContaining({
        userId: org.repA2.id,
        from: 'business_breakthrough',
        to: 'contract_signed',
        rate: 0,
        teamRate: 0.5,
        gapPct: 50,
      }),
    ]);
  });

  it('lists only the asked-for rep but still compares with the whole team', async () => {
    const b = await findBottlenecks({ ...q1(teamA), repIds: [org.repA1.id], marginPct: 15, minSample: 3 });
    expect(b.reps.map((r) => r.userId)).toEqual([org.repA1.id]);
    expect(b.team[0]).toMatchObject({ entered: 6, advanced: 5 });
    expect(b.flagged).toHaveLength(2);
  });
});
