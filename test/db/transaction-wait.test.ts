// A transaction that has to wait for a free connection waits, instead of failing after Prisma's
// default 2 s: under load (CI's 2 cores, a weekly report composing many report queries at once)
// the pool is briefly full, and "Unable to start a transaction in the given time" became a 500.
import { createEmptyDatabase } from '../support/database';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { reportQuery } from '../../src/reports/report-scope';
import { Prisma } from '../../src/db/prisma';

let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createEmptyDatabase('txwait');
  prisma = createPrismaClient(db.url, { maxConnections: 1 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

test('a report query waits for the one busy connection (3 s) and then runs', async () => {
  // Holds the pool's only connection for 3 s, longer than Prisma's default maxWait of 2 s.
  const busy = prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_sleep(3)`;
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rows = await reportQuery<{ one: number }>(prisma, Prisma.sql`SELECT 1::int AS one`);
  expect(rows).toEqual([{ one: 1 }]);
  await busy;
});
