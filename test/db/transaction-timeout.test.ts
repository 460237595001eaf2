// An interactive transaction that stays open longer than Prisma's default 5 s (a loaded machine, or
// queued on a lock another request holds) commits instead of expiring with P2028, which the API
// answers 503: a request nobody refused must not fail because the machine is slow.
import { createEmptyDatabase } from '../support/database';
import { createPrismaClient, TRANSACTION_TIMEOUT_MS, type PrismaClient } from '../../src/db/prisma';

jest.setTimeout(60_000);
let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createEmptyDatabase('txtimeout');
  prisma = createPrismaClient(db.url, { maxConnections: 2 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

test('a transaction waiting 6 s on an advisory lock held elsewhere still commits', async () => {
  expect(TRANSACTION_TIMEOUT_MS).toBeGreaterThan(6_000);
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(4242)`;
    locked();
    await tx.$executeRaw`SELECT pg_sleep(6)`;
  });
  await isLocked;
  const waiter = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(4242)`;
    const rows = await tx.$queryRaw<{ one: number }[]>`SELECT 1::int AS one`;
    return rows[0]!.one;
  });
  await holder;
  expect(waiter).toBe(1);
});
