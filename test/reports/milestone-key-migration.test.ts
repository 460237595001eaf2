// The upgrade to milestones by key (prisma/migrations/*_report_milestones_by_key) on a read model
// that already holds deals: the migration rekeys MilestoneEvent by (deal, milestone key) and
// rebuilds the rollups by key from the rows it finds, so the company-wide reports over the
// rollups give the raw queries' numbers straight after it, under each milestone's key.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate';
import { createPrismaClient } from '../../src/db/prisma';
import { buildForecast } from '../../src/reports/build-forecast';
import { buildFunnel } from '../../src/reports/build-funnel';
import { localDayStart } from '../../src/reports/report-period';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { createTestOrg, type TestOrg } from '../support/app';
import { createEmptyDatabase, type TestDatabase } from '../support/database';
import { day } from './deal-script';

const MIGRATION = fs.readdirSync(MIGRATIONS_DIR).find((name) => name.endsWith('_report_milestones_by_key'))!;
const PERIOD = { from: localDayStart('2026-01-01'), to: localDayStart('2026-03-01') };
const keys = PSM_PROCESS.milestones.map((m) => m.key);

let db: TestDatabase;
let org: TestOrg;
let before: string;

beforeAll(async () => {
  // The database as it was before the migration: every earlier one applied.
  before = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-migrations-'));
  for (const name of fs.readdirSync(MIGRATIONS_DIR).filter((n) => n < MIGRATION)) {
    fs.cpSync(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
  }
  const empty = await createEmptyDatabase();
  await migrate(empty.url, before);
  const prisma = createPrismaClient(empty.url, { maxConnections: 3 });
  db = {
    url: empty.url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await empty.drop();
    },
  };
  org = await createTestOrg(db);
  // Two open deals as the old projection wrote them: at 技术突破2 (position 3) and at 商务突破 (4).
  for (const [id, at] of [
    ['old-at-tb2', 3],
    ['old-at-bb', 4],
  ] as const) {
    await db.prisma.$executeRaw`
      INSERT INTO "Opportunity" (id, name, account, amount, "ownerId", milestone, "milestoneIndex", probability,
                                 status, "stageEnteredAt", "createdAt")
      VALUES (${id}, ${id}, 'Old account', 100000, ${org.repA1.id}::uuid, ${keys[at]!}, ${at},
              ${PSM_PROCESS.milestones[at]!.winPct}, 'open', ${day(1 + at)}, ${day(0)})`;
    for (let i = 0; i <= at; i += 1) {
      await db.prisma.$executeRaw`
        INSERT INTO "MilestoneEvent" ("opportunityId", "milestoneIndex", milestone, "ownerId", "enteredAt", "leftAt", seq)
        VALUES (${id}, ${i}, ${keys[i]!}, ${org.repA1.id}::uuid, ${day(1 + i)}, ${i < at ? day(2 + i) : null}, ${i + 2})`;
    }
  }
  await migrate(db.url);
}, 60_000);
afterAll(async () => {
  await db?.drop();
  if (before) fs.rmSync(before, { recursive: true, force: true });
});

test('the rollups are rebuilt by milestone key', async () => {
  const rows = await db.prisma.$queryRaw<{ milestone: string }[]>`
    SELECT DISTINCT milestone FROM "ReportRollup" WHERE kind = 'me' ORDER BY 1`;
  expect(rows.map((r) => r.milestone)).toEqual([...keys.slice(0, 5)].sort());
});

test('reports over the rollups agree with the raw queries, by key', async () => {
  for (const useRollups of [true, false]) {
    const options = { prisma: db.prisma, scopeUserIds: null, ...PERIOD, useRollups };
    const funnel = await buildFunnel(options);
    const by = Object.fromEntries(funnel.stages.map((s) => [s.key, [s.reached, s.advancedToNext]]));
    expect({ useRollups, by }).toMatchObject({
      useRollups,
      by: { [keys[2]!]: [2, 2], [keys[3]!]: [2, 1], [keys[4]!]: [1, 0] },
    });
    const forecast = await buildForecast(options);
    expect({ useRollups, commit: forecast.totals.commit.count }).toEqual({ useRollups, commit: 1 });
  }
});
