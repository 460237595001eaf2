// The failed-sign-in limiter against real PostgreSQL: two limiters on two connection pools stand
// for two API processes and must share one count; windows restart once they end; the table holds
// digests, never an email or an address.
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { createSignInLimiter } from '../../src/auth/sign-in-limiter';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let otherProcess: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  otherProcess = createPrismaClient(db.url, { maxConnections: 5 });
});
afterAll(async () => {
  await otherProcess.$disconnect();
  await db.drop();
});

const options = { scope: 'sign-in', perAccount: 3, perAddress: 5, windowMs: 60_000 };

it('two processes share one count per account (any spelling of the email) and per address', async () => {
  const a = createSignInLimiter(db.prisma, options);
  const b = createSignInLimiter(otherProcess, options);
  await a.recordFailure('Wang@Example.com', '10.0.0.1');
  await b.recordFailure(' wang@example.com ', '10.0.0.2');
  expect(await a.retryAfter('wang@example.com', '10.0.0.9')).toBeUndefined();
  await a.recordFailure('wang@example.com', '10.0.0.3');
  // The third failure was counted by a; b refuses the next attempt.
  const wait = await b.retryAfter('WANG@example.com', '10.0.0.9');
  expect(wait).toBeGreaterThan(55);
  expect(wait).toBeLessThanOrEqual(60);
  expect(await b.retryAfter('li@example.com', '10.0.0.9')).toBeUndefined();

  for (const who of ['a@x', 'b@x', 'c@x', 'd@x']) await (who < 'c' ? a : b).recordFailure(who, '10.0.0.7');
  expect(await a.retryAfter('e@x', '10.0.0.7')).toBeUndefined();
  await b.recordFailure('e@x', '10.0.0.7');
  expect(await a.retryAfter('e@x', '10.0.0.7')).toBeGreaterThan(0);
  expect(await a.retryAfter('e@x', '10.0.0.8')).toBeUndefined();
});

it('counts concurrent failures exactly and a success clears only the account', async () => {
  const limiters = [db.prisma, otherProcess].map((p) =>
    createSignInLimiter(p, { ...options, scope: 'concurrent', perAccount: 20, perAddress: 1000 }),
  );
  await Promise.all(
    Array.from({ length: 19 }, (_, i) => limiters[i % 2]!.recordFailure('zhao@example.com', '10.1.0.1')),
  );
  expect(await limiters[0]!.retryAfter('zhao@example.com', '10.1.0.2')).toBeUndefined();
  await limiters[1]!.recordFailure('zhao@example.com', '10.1.0.1');
  expect(await limiters[0]!.retryAfter('zhao@example.com', '10.1.0.2')).toBeGreaterThan(0);
  await limiters[0]!.recordSuccess('Zhao@Example.com');
  expect(await limiters[1]!.retryAfter('zhao@example.com', '10.1.0.2')).toBeUndefined();
  const rows = await db.prisma.authFailureWindow.findMany();
  // The address's window still holds its 20 failures.
  expect(rows.map((r) => r.count)).toContain(20);
});

it('a window restarts once it has ended, and scopes never share a count', async () => {
  const short = createSignInLimiter(db.prisma, { ...options, scope: 'short', windowMs: 1200 });
  const mail = createSignInLimiter(db.prisma, { ...options, scope: 'mail', windowMs: 1200 });
  for (let i = 0; i < 3; i++) await short.recordFailure('sun@example.com', '10.2.0.1');
  expect(await short.retryAfter('sun@example.com', '10.2.0.2')).toBe(2);
  expect(await mail.retryAfter('sun@example.com', '10.2.0.2')).toBeUndefined();
  await new Promise((r) => setTimeout(r, 1300));
  expect(await short.retryAfter('sun@example.com', '10.2.0.2')).toBeUndefined();
  await short.recordFailure('sun@example.com', '10.2.0.1');
  expect(await short.retryAfter('sun@example.com', '10.2.0.2')).toBeUndefined();
  const row = (await db.prisma.authFailureWindow.findMany()).find((r) => r.count === 1);
  expect(row).toBeDefined();
});

it('stores digests only: no email and no address in the table', async () => {
  const rows = await db.prisma.authFailureWindow.findMany();
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(r.key).toMatch(/^[0-9a-f]{64}$/);
    expect(r.key).not.toContain('example.com');
  }
});
