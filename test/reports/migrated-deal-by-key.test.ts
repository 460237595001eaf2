// A deal migrated between process versions keeps its milestone visits by key (issue 17, item 1).
// Versions here: the tests' next version (方案评审 inserted after 技术突破1) and one after it that
// removes 方案评审 again, moving a deal sitting there to 技术突破2. A deal migrated at 技术突破2 moves
// from position 4 to 3; when it then reaches 商务突破 (position 4 of the new version) the read model
// must record a 商务突破 visit and close the 技术突破2 one. By position, the projection took the
// 技术突破2 row (position 4 when it was reached) for the new visit: 商务突破 vanished from the reports.
import type { PrismaClient } from '../../src/db/prisma';
import { buildBoard } from '../../src/reports/build-board';
import { buildForecast } from '../../src/reports/build-forecast';
import { buildFunnel } from '../../src/reports/build-funnel';
import { measureMovement } from '../../src/reports/measure-movement';
import { localDayStart } from '../../src/reports/report-period';
import {
  deriveVersion,
  milestoneIndexIn,
  processStructure,
  processVersion,
  registerProcessVersion,
} from '../../workflows/process-versions';
import { createTestOrg, type TestOrg } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  SOLUTION_REVIEW,
  TEST_V2_DEFINITION,
  TEST_VERSION,
  registerTestProcessV2,
} from '../workflows/fixtures/process-version-v2';
import { DealScript, day } from './deal-script';

const TB2 = 'technical_breakthrough_2';
const BB = 'business_breakthrough';

registerTestProcessV2();
const WITHOUT_REVIEW = TEST_VERSION + 1;
const withoutReview = deriveVersion(TEST_V2_DEFINITION, [{ op: 'removeMilestone', key: SOLUTION_REVIEW }]);
registerProcessVersion({
  version: WITHOUT_REVIEW,
  summary: { zh: 'test', en: 'The solution review removed again' },
  definition: withoutReview,
  structure: processStructure(withoutReview),
  migration: {
    from: TEST_VERSION,
    milestones: Object.fromEntries(
      TEST_V2_DEFINITION.milestones.map((m) => [m.key, m.key === SOLUTION_REVIEW ? { moveTo: TB2 } : {}]),
    ),
  },
});

const PERIOD = { from: localDayStart('2026-01-01'), to: localDayStart('2026-03-01') };
const AS_OF = day(40);

let db: TestDatabase;
let org: TestOrg;

async function seed(prisma: PrismaClient): Promise<void> {
  const atTb2 = new DealScript(org.repA1.id, 100_000, day(0), {
    id: 'migrated-at-tb2',
    name: 'atTb2',
    processVersion: TEST_VERSION,
  });
  atTb2.walk(milestoneIndexIn(TEST_V2_DEFINITION, TB2), day(1), 2);
  const atReview = new DealScript(org.repA2.id, 100_000, day(0), {
    id: 'migrated-at-review',
    name: 'atReview',
    processVersion: TEST_VERSION,
  });
  atReview.walk(milestoneIndexIn(TEST_V2_DEFINITION, SOLUTION_REVIEW), day(1), 2);
  for (const deal of [atTb2, atReview]) await deal.project(prisma);
  atTb2.migrate(WITHOUT_REVIEW, day(20));
  atReview.migrate(WITHOUT_REVIEW, day(20), TB2);
  for (const deal of [atTb2, atReview]) await deal.project(prisma);
  atTb2.reach(milestoneIndexIn(withoutReview, BB), day(22));
  atReview.reach(milestoneIndexIn(withoutReview, BB), day(23));
  for (const deal of [atTb2, atReview]) await deal.project(prisma);
}

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createTestOrg(db);
  await seed(db.prisma);
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

test('the migrations moved positions: 技术突破2 from 4 to 3, 商务突破 now at 4', () => {
  expect(milestoneIndexIn(processVersion(TEST_VERSION)!.definition, TB2)).toBe(
    milestoneIndexIn(withoutReview, BB),
  );
});

test('the read model keeps one visit per milestone key, the later ones left', async () => {
  const visits = await db.prisma.milestoneEvent.findMany({
    where: { opportunityId: 'migrated-at-tb2' },
    orderBy: { enteredAt: 'asc' },
  });
  expect(visits.map((v) => [v.milestone, v.leftAt === null])).toEqual([
    ...TEST_V2_DEFINITION.milestones
      .slice(0, milestoneIndexIn(TEST_V2_DEFINITION, TB2))
      .map((m) => [m.key, false]),
    [TB2, false],
    [BB, true],
  ]);
  const row = await db.prisma.opportunity.findUniqueOrThrow({ where: { id: 'migrated-at-tb2' } });
  expect([row.milestone, row.processVersion]).toEqual([BB, WITHOUT_REVIEW]);
});

test('reports count the visits after the migration under their own keys (rollups and raw agree)', async () => {
  for (const useRollups of [true, false]) {
    const options = { prisma: db.prisma, scopeUserIds: null, ...PERIOD, useRollups };
    const funnel = await buildFunnel(options);
    const by = Object.fromEntries(funnel.stages.map((s) => [s.key, [s.reached, s.advancedToNext]]));
    expect({ useRollups, by }).toMatchObject({
      useRollups,
      by: { [SOLUTION_REVIEW]: [2, 2], [TB2]: [1, 1], [BB]: [2, 0] },
    });
    const movement = await measureMovement({ ...options, asOf: AS_OF });
    const open = Object.fromEntries(movement.daysInStage.map((s) => [s.key, s.open]));
    expect({ useRollups, open }).toMatchObject({ useRollups, open: { [TB2]: 0, [BB]: 2 } });
    const forecast = await buildForecast(options);
    expect({ useRollups, commit: forecast.totals.commit.count }).toEqual({ useRollups, commit: 2 });
  }
  const board = await buildBoard({ prisma: db.prisma, scopeUserIds: null, perColumn: 10, asOf: AS_OF });
  const bb = board.columns.find((c) => c.key === BB)!;
  expect(bb.cards.map((c) => [c.name, c.nextMilestone])).toEqual([
    ['atTb2', 'contract_signed'],
    ['atReview', 'contract_signed'],
  ]);
});
