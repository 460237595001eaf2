// The company-wide reports read the rollups (ReportRollup, kept by triggers) for whole local days.
// On a randomised read model, built by the real projection one command at a time and then changed
// by other writers (a reassignment, an amount edit, a deleted deal), every report over the rollups
// must equal the raw queries' report for random periods; and a rebuild from scratch must give the
// same buckets as the triggers did, including for a database whose rows arrived without them.
import type { PrismaClient } from '../../src/db/prisma';
import { buildForecast } from '../../src/reports/build-forecast';
import { buildFunnel } from '../../src/reports/build-funnel';
import { findBottlenecks } from '../../src/reports/find-bottlenecks';
import { listStalledDeals } from '../../src/reports/list-stalled-deals';
import { measureMovement } from '../../src/reports/measure-movement';
import { conversionsQuery } from '../../src/reports/query-conversions';
import { addDays, localDayStart } from '../../src/reports/report-period';
import { rebuildReportRollups } from '../../src/reports/rollups/rebuild-rollups';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { createTestOrg, type TestOrg } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { DealScript, day } from './deal-script';

const LAST = PSM_PROCESS.milestones.length - 1;
const SEED = Number(process.env.ROLLUP_TEST_SEED ?? 20261202);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let db: TestDatabase;
let org: TestOrg;
const rand = mulberry32(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const HOUR = 3_600_000;

/** A deal's random life, projected after every step (each its own transaction, as commands are). */
async function randomDeal(prisma: PrismaClient, i: number): Promise<DealScript> {
  const owners = [org.repA1.id, org.repA2.id, org.repB1.id, org.managerA.id];
  const created = new Date(day(Math.floor(rand() * 90) - 20).getTime() + Math.floor(rand() * 20) * HOUR);
  const close =
    rand() < 0.2
      ? null
      : addDays(created, 20 + Math.floor(rand() * 200))
          .toISOString()
          .slice(0, 10);
  const deal = new DealScript(pick(owners), 10_000 * (1 + Math.floor(rand() * 90)), created, {
    id: `rollup-${i}`,
    expectedCloseDate: close,
  });
  await deal.project(prisma);
  let at = created.getTime();
  let index = -1;
  for (let step = 0; step < 8; step += 1) {
    at += Math.floor(rand() * 12 * 24) * HOUR + Math.floor(rand() * 60_000);
    const roll = rand();
    if (roll < 0.45 && index < LAST) {
      // Now and then the workflow records a skip (an approved skip), so milestones are jumped.
      index = Math.min(LAST, index + (rand() < 0.15 ? 2 : 1));
      deal.reach(index, new Date(at));
    } else if (roll < 0.6) {
      deal.breachSla(new Date(at));
    } else if (roll < 0.75) {
      const id = `${deal.id}-a${step}`;
      deal.requestApproval(
        id,
        pick(['milestone_gate', 'skip_milestone', 'discount'] as const),
        org.managerA.id,
        new Date(at),
      );
      await deal.project(prisma);
      at += Math.floor(rand() * 72) * HOUR + 1_000;
      deal.decideApproval(
        id,
        pick(['approved', 'approved', 'rejected', 'cancelled'] as const),
        new Date(at),
        org.managerA.id,
      );
    } else if (roll < 0.8) {
      deal.hold(new Date(at));
      await deal.project(prisma);
      break;
    } else if (roll < 0.88) {
      deal.lose(new Date(at));
      await deal.project(prisma);
      break;
    }
    await deal.project(prisma);
    if (index === LAST) break;
  }
  return deal;
}

type Period = { from: Date; to: Date };

async function reports(prisma: PrismaClient, period: Period, useRollups: boolean) {
  const options = { prisma, scopeUserIds: null, ...period, useRollups };
  return {
    funnel: await buildFunnel(options),
    forecast: await buildForecast(options),
    movement: await measureMovement({ ...options, asOf: day(75) }),
    bottlenecks: await findBottlenecks({ ...options, minSample: 2 }),
  };
}

/** Whole local days between day(-25) and day(110), at random. */
function randomPeriod(): Period {
  const start = localDayStart('2025-12-11');
  const a = Math.floor(rand() * 130);
  const b = a + 1 + Math.floor(rand() * 60);
  return { from: addDays(start, a), to: addDays(start, b) };
}

async function buckets(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ line: string }[]>`
    SELECT concat_ws(' ', "kind", "day", "ownerId", "milestone", "d2", "flags", "n", "amount"::text, "x"::text,
                     CASE WHEN "n" > 0 THEN "mx"::text END) AS line
      FROM "ReportRollup" WHERE "n" <> 0 OR "amount" <> 0 OR "x" <> 0 ORDER BY 1`;
  return rows.map((r) => r.line);
}

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createTestOrg(db);
  const deals: DealScript[] = [];
  for (let i = 0; i < 50; i += 1) deals.push(await randomDeal(db.prisma, i));
  // Writers other than the projection keep them exact too: an admin's reassignment and amount
  // edit, and a deleted deal (its rows go by cascade).
  await db.prisma.opportunity.updateMany({
    where: { id: { in: deals.slice(0, 10).map((d) => d.id) } },
    data: { ownerId: org.repB1.id, amount: 123_456.78 },
  });
  await db.prisma.milestoneEvent.updateMany({
    where: { opportunityId: { in: deals.slice(5, 8).map((d) => d.id) } },
    data: { ownerId: org.repA2.id },
  });
  await db.prisma.opportunity.delete({ where: { id: deals[20]!.id } });
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

describe('report rollups', () => {
  it('the company-wide reports over whole local days read the rollups', () => {
    const period = { scopeUserIds: null, from: localDayStart('2026-01-01'), to: localDayStart('2026-04-01') };
    expect(conversionsQuery(period, { perOwner: false }).sql).toContain('"ReportRollup"');
    // A team, a period starting inside a day, or useRollups: false run the raw queries.
    expect(
      conversionsQuery({ ...period, scopeUserIds: [org.repA1.id] }, { perOwner: false }).sql,
    ).not.toContain('ReportRollup');
    expect(
      conversionsQuery({ ...period, from: new Date(period.from.getTime() + 1) }, { perOwner: false }).sql,
    ).not.toContain('ReportRollup');
    expect(conversionsQuery({ ...period, useRollups: false }, { perOwner: false }).sql).not.toContain(
      'ReportRollup',
    );
  });

  it('agree with the raw queries on every report for random periods', async () => {
    const counted = await db.prisma.opportunity.count();
    expect(counted).toBe(49);
    let nonEmpty = 0;
    for (let i = 0; i < 15; i += 1) {
      const period = randomPeriod();
      const [rollup, raw] = [await reports(db.prisma, period, true), await reports(db.prisma, period, false)];
      expect({ period, ...rollup }).toEqual({ period, ...raw });
      if (raw.funnel.stages[0]!.reached > 0 && raw.movement.won.count + raw.movement.lost.count > 0)
        nonEmpty += 1;
    }
    // The periods were not all empty ones.
    expect(nonEmpty).toBeGreaterThan(3);
  }, 60_000);

  it('agree where a month the period starts or ends inside is read as the whole month less its other days', async () => {
    // Periods over whole months with edges deep inside a month: the bottleneck report's per-owner
    // visits read such a month's monthly bucket less the daily buckets outside the period.
    const periods: Period[] = [
      { from: localDayStart('2026-01-04'), to: localDayStart('2026-03-28') },
      { from: localDayStart('2026-01-20'), to: localDayStart('2026-04-25') },
      { from: localDayStart('2026-02-10'), to: localDayStart('2026-05-02') },
    ];
    const sql = conversionsQuery({ scopeUserIds: null, ...periods[0]! }, { perOwner: true });
    expect(sql.sql).toContain('THEN -r."n"');
    for (const period of periods) {
      const options = { prisma: db.prisma, scopeUserIds: null, ...period, minSample: 2 };
      const [rollup, raw] = [
        await findBottlenecks({ ...options, useRollups: true }),
        await findBottlenecks({ ...options, useRollups: false }),
      ];
      expect({ asked: period, ...rollup }).toEqual({ asked: period, ...raw });
      expect(raw.team.some((step) => step.entered > 0 && step.advanced > 0)).toBe(true);
    }
  });

  it("the dashboard's stalled list, longest in stage first, and its total", async () => {
    const expected = await db.prisma.opportunity.findMany({
      where: { status: 'open', stalled: true },
      orderBy: [{ stageEnteredAt: 'asc' }, { id: 'asc' }],
      take: 5,
    });
    const total = await db.prisma.opportunity.count({ where: { status: 'open', stalled: true } });
    expect(total).toBeGreaterThan(5);
    for (const useRollups of [true, false]) {
      const list = await listStalledDeals({
        prisma: db.prisma,
        scopeUserIds: null,
        limit: 5,
        asOf: day(75),
        useRollups,
      });
      expect(list.total).toBe(total);
      expect(list.deals.map((d) => [d.id, d.amount])).toEqual(expected.map((o) => [o.id, Number(o.amount)]));
    }
    const team = [org.repA1.id, org.repB1.id];
    const mine = await listStalledDeals({ prisma: db.prisma, scopeUserIds: team, limit: 50, asOf: day(75) });
    expect(mine.total).toBe(
      await db.prisma.opportunity.count({ where: { status: 'open', stalled: true, ownerId: { in: team } } }),
    );
    expect(mine.deals.every((d) => team.includes(d.ownerId))).toBe(true);
  });

  it('a rebuild from scratch gives the buckets the triggers kept', async () => {
    const kept = await buckets(db.prisma);
    expect(kept.length).toBeGreaterThan(100);
    const rebuilt = await rebuildReportRollups(db.prisma);
    expect(rebuilt.buckets).toBeGreaterThan(100);
    expect(await buckets(db.prisma)).toEqual(kept);
  });

  it('rebuilds a database whose rows were written without the triggers', async () => {
    const period = { from: localDayStart('2026-01-01'), to: localDayStart('2026-03-01') };
    const before = await reports(db.prisma, period, false);
    // As a restore or bulk load does: rows arrive with triggers off; the rollups are then stale.
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL session_replication_role = replica`;
      await tx.$executeRaw`UPDATE "Opportunity" SET "amount" = "amount" + 1000`;
      await tx.$executeRaw`UPDATE "MilestoneEvent" SET "slaBreached" = true WHERE "milestoneIndex" = 1`;
    });
    const raw = await reports(db.prisma, period, false);
    expect(raw).not.toEqual(before);
    expect(await reports(db.prisma, period, true)).not.toEqual(raw);
    await rebuildReportRollups(db.prisma);
    expect(await reports(db.prisma, period, true)).toEqual(raw);
  });
});
