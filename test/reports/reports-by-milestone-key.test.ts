// Reports key milestones by key, never by position (issue 17, item 1). With the tests' next process
// version registered (方案评审 inserted after 技术突破1: test/workflows/fixtures/process-version-v2.ts),
// a deal on the committed version and a deal on the test version at the same position sit at
// different milestones: at 技术突破1's next position one is at 技术突破2 and the other at 方案评审, one
// further one is at 商务突破 (commit) and the other at 技术突破2. Every report (funnel, movement,
// bottlenecks, forecast, stalled list, board) must count each under its own milestone, over the
// rollups and over the raw queries alike; by position they would all land on the committed
// version's milestone at that index.
import type { PrismaClient } from '../../src/db/prisma';
import { buildBoard, listBoardCards } from '../../src/reports/build-board';
import { buildForecast } from '../../src/reports/build-forecast';
import { buildFunnel } from '../../src/reports/build-funnel';
import { findBottlenecks } from '../../src/reports/find-bottlenecks';
import { listStalledDeals } from '../../src/reports/list-stalled-deals';
import { measureMovement } from '../../src/reports/measure-movement';
import { conversionsQuery } from '../../src/reports/query-conversions';
import { localDayStart } from '../../src/reports/report-period';
import { milestoneIndexIn, processVersion } from '../../workflows/process-versions';
import { createTestOrg, type TestOrg } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  FROM_VERSION,
  SOLUTION_REVIEW,
  TEST_V2_DEFINITION,
  TEST_VERSION,
  registerTestProcessV2,
} from '../workflows/fixtures/process-version-v2';
import { DealScript, day } from './deal-script';

registerTestProcessV2();

const FROM_DEFINITION = processVersion(FROM_VERSION)!.definition;
const TB1 = 'technical_breakthrough_1';
const TB2 = 'technical_breakthrough_2';
const BB = 'business_breakthrough';
const AT_TB1 = milestoneIndexIn(FROM_DEFINITION, TB1);
/** The same positions on both versions. */
const SAME = AT_TB1 + 1;
const NEXT = AT_TB1 + 2;

const PERIOD = { from: localDayStart('2026-01-01'), to: localDayStart('2026-03-01') };
const AS_OF = day(40);

let db: TestDatabase;
let org: TestOrg;
const deals: Record<string, DealScript> = {};

async function seed(prisma: PrismaClient): Promise<void> {
  const make = (name: string, version: number, toIndex: number, owner: string, minutes: number) => {
    const deal = new DealScript(owner, 100_000, new Date(day(0).getTime() + minutes * 60_000), {
      id: `key-${name}`,
      name,
      processVersion: version,
    });
    deal.walk(toIndex, day(1 + minutes / 60), 2);
    deals[name] = deal;
    return deal;
  };
  make('oldAtSame', FROM_VERSION, SAME, org.repA1.id, 1).breachSla(day(20));
  make('newAtSame', TEST_VERSION, SAME, org.repA2.id, 2).breachSla(day(21));
  make('oldAtNext', FROM_VERSION, NEXT, org.repA1.id, 3);
  make('newAtNext', TEST_VERSION, NEXT, org.repA2.id, 4);
  make('oldAtTb1', FROM_VERSION, AT_TB1, org.repA1.id, 5);
  make('newAtTb1', TEST_VERSION, AT_TB1, org.repA2.id, 6);
  for (const deal of Object.values(deals)) await deal.project(prisma);
}

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createTestOrg(db);
  await seed(db.prisma);
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

test('the fixture puts different milestones at the same positions', () => {
  expect(FROM_DEFINITION.milestones[SAME]!.key).toBe(TB2);
  expect(TEST_V2_DEFINITION.milestones[SAME]!.key).toBe(SOLUTION_REVIEW);
  expect(FROM_DEFINITION.milestones[NEXT]!.key).toBe(BB);
  expect(TEST_V2_DEFINITION.milestones[NEXT]!.key).toBe(TB2);
});

/** The company over whole local days reads the rollups; a team or useRollups: false the raw queries. */
const scopes = () => [
  { label: 'company, rollups', scopeUserIds: null, useRollups: true },
  { label: 'company, raw', scopeUserIds: null, useRollups: false },
  { label: 'team', scopeUserIds: [org.repA1.id, org.repA2.id], useRollups: true },
];

test('both kinds of company-wide query run (the comparison below covers the rollups)', () => {
  expect(conversionsQuery({ scopeUserIds: null, ...PERIOD }, { perOwner: false }).sql).toContain(
    'ReportRollup',
  );
});

test('funnel: each deal counts under the milestones it reached, in the latest version order', async () => {
  for (const { label, ...scope } of scopes()) {
    const funnel = await buildFunnel({ prisma: db.prisma, ...scope, ...PERIOD });
    expect({ label, keys: funnel.stages.map((s) => s.key) }).toEqual({
      label,
      keys: TEST_V2_DEFINITION.milestones.map((m) => m.key),
    });
    const by = Object.fromEntries(funnel.stages.map((s) => [s.key, [s.reached, s.advancedToNext]]));
    expect({ label, by }).toMatchObject({
      label,
      by: { [TB1]: [6, 4], [SOLUTION_REVIEW]: [2, 1], [TB2]: [3, 1], [BB]: [1, 0] },
    });
    expect(funnel.stages.map((s) => s.index)).toEqual(funnel.stages.map((_, i) => i));
  }
});

test('movement: open deals, SLA breaches and velocity per milestone key', async () => {
  for (const { label, ...scope } of scopes()) {
    const m = await measureMovement({ prisma: db.prisma, ...scope, ...PERIOD, asOf: AS_OF });
    const open = Object.fromEntries(m.daysInStage.map((s) => [s.key, s.open]));
    expect({ label, open }).toMatchObject({
      label,
      open: { [TB1]: 2, [SOLUTION_REVIEW]: 1, [TB2]: 2, [BB]: 1 },
    });
    const breaches = Object.fromEntries(m.slaBreaches.map((s) => [s.key, [s.entered, s.breached]]));
    expect({ label, breaches }).toMatchObject({
      label,
      breaches: { [SOLUTION_REVIEW]: [2, 1], [TB2]: [3, 1], [BB]: [1, 0] },
    });
    const velocity = Object.fromEntries(m.velocity.map((s) => [s.key, s.transitions]));
    expect({ label, velocity }).toMatchObject({
      label,
      velocity: { [TB1]: 4, [SOLUTION_REVIEW]: 1, [TB2]: 1 },
    });
    expect({ label, stalled: m.stalledNow.count }).toEqual({ label, stalled: 2 });
  }
});

test('bottlenecks: each step counts the deals at its first milestone by key', async () => {
  for (const { label, ...scope } of scopes()) {
    const report = await findBottlenecks({ prisma: db.prisma, ...scope, ...PERIOD, minSample: 1 });
    const team = Object.fromEntries(report.team.map((s) => [s.from, [s.to, s.entered, s.advanced]]));
    expect({ label, team }).toMatchObject({
      label,
      team: { [TB1]: [SOLUTION_REVIEW, 6, 4], [SOLUTION_REVIEW]: [TB2, 2, 1], [TB2]: [BB, 3, 1] },
    });
    // Ravi's deals all run on the test version: none of them sits at 商务突破.
    const ravi = report.reps.find((r) => r.userId === org.repA2.id)!;
    const steps = Object.fromEntries(ravi.transitions.map((t) => [t.from, [t.entered, t.advanced]]));
    expect({ label, steps }).toMatchObject({ label, steps: { [SOLUTION_REVIEW]: [2, 1], [TB2]: [1, 0] } });
  }
});

test('forecast: commit counts the deal at 商务突破, not the one at the same position on the new version', async () => {
  for (const { label, ...scope } of scopes()) {
    const f = await buildForecast({ prisma: db.prisma, ...scope, ...PERIOD });
    expect({ label, pipeline: f.totals.pipeline.count, commit: f.totals.commit }).toEqual({
      label,
      pipeline: 6,
      commit: {
        count: 1,
        amount: 100_000,
        weighted: (100_000 * FROM_DEFINITION.milestones[NEXT]!.winPct) / 100,
      },
    });
  }
});

/** The stalled list in each scope: its total and its deals as [name, milestone]. */
function stalledLists() {
  return Promise.all(
    scopes().map(async ({ scopeUserIds, useRollups }) => {
      const list = await listStalledDeals({
        prisma: db.prisma,
        scopeUserIds,
        limit: 10,
        asOf: AS_OF,
        useRollups,
      });
      return { total: list.total, deals: list.deals.map((d) => [d.name, d.milestone]) };
    }),
  );
}

test('stalled list: each stalled deal names its own milestone', async () => {
  for (const list of await stalledLists()) {
    expect(list).toEqual({
      total: 2,
      deals: [
        ['oldAtSame', TB2],
        ['newAtSame', SOLUTION_REVIEW],
      ],
    });
  }
});

test("board: a column per milestone key; each card's next milestone is its own version's", async () => {
  const board = await buildBoard({ prisma: db.prisma, scopeUserIds: null, perColumn: 50, asOf: AS_OF });
  expect(board.columns.map((c) => c.key)).toEqual([
    'not_initiated',
    ...TEST_V2_DEFINITION.milestones.map((m) => m.key),
  ]);
  const cards = Object.fromEntries(
    board.columns.map((c) => [c.key, c.cards.map((card) => [card.name, card.nextMilestone])]),
  );
  expect(cards).toMatchObject({
    [TB1]: [
      ['oldAtTb1', TB2],
      ['newAtTb1', SOLUTION_REVIEW],
    ],
    [SOLUTION_REVIEW]: [['newAtSame', TB2]],
    [TB2]: [
      ['oldAtSame', BB],
      ['newAtNext', BB],
    ],
    [BB]: [['oldAtNext', 'contract_signed']],
  });
  const column = board.columns.find((c) => c.key === SOLUTION_REVIEW)!;
  expect(column.count).toBe(1);
  for (const c of board.columns)
    for (const card of c.cards) expect([card.name, card.reachedIndex]).toEqual([card.name, c.index]);
  const page = await listBoardCards({
    prisma: db.prisma,
    scopeUserIds: null,
    column: column.index,
    after: undefined,
    limit: 10,
    asOf: AS_OF,
  });
  expect('cards' in page && page.cards.map((c) => c.name)).toEqual(['newAtSame']);
});

test('stalled list: a deal at a milestone no version has is listed too', async () => {
  const id = deals.oldAtSame!.id;
  await db.prisma.opportunity.update({ where: { id }, data: { milestone: 'retired_stage' } });
  try {
    for (const list of await stalledLists()) {
      expect(list.deals).toEqual([
        ['oldAtSame', 'retired_stage'],
        ['newAtSame', SOLUTION_REVIEW],
      ]);
    }
  } finally {
    await db.prisma.opportunity.update({ where: { id }, data: { milestone: TB2 } });
  }
});
