// The API's token cache (issue 16): a burst of requests with one token when its cache entry has
// expired makes one database lookup, not one per request; and a token revoked while a lookup is in
// flight is not put back into the cache by that lookup. Real PostgreSQL; the statements are
// counted from pg_stat_database (this test's own database, nothing else uses it).
import { createCachedAuthenticator } from '../../src/auth/cached-authenticator';
import { issueApiToken } from '../../src/auth/api-tokens';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** Statements this database has run: each lookup here is autocommit, one transaction. */
async function transactions(): Promise<number> {
  // The collector publishes a backend's counts when it goes idle.
  await new Promise((r) => setTimeout(r, 1_200));
  const [row] = await db.prisma.$queryRaw<{ n: bigint }[]>`
    SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`;
  return Number(row!.n);
}

test('a burst with one token at its expiry makes one lookup', async () => {
  const user = await db.prisma.user.create({
    data: { name: 'Burst Rep', email: 'burst@test.psm', role: 'rep' },
  });
  const { token } = await issueApiToken(db.prisma, { userId: user.id, label: 'burst' });
  const auth = createCachedAuthenticator(db.prisma, { ttlMs: 60_000 });
  const before = await transactions();
  const users = await Promise.all(Array.from({ length: 40 }, () => auth.authenticate(token)));
  expect(users.every((u) => u?.id === user.id)).toBe(true);
  // The token row and its user (one query with a join, or two), and lastUsedAt once; never 40.
  // Minus the first read of the counter (the second is counted by the next).
  const lookups = (await transactions()) - before - 1;
  expect(lookups).toBeGreaterThan(0);
  expect(lookups).toBeLessThanOrEqual(3);
  // Cached now: more requests make no lookup at all.
  const again = await transactions();
  await Promise.all(Array.from({ length: 10 }, () => auth.authenticate(token)));
  expect((await transactions()) - again - 1).toBe(0);
});

test('a token revoked while its lookup is in flight is not cached by that lookup', async () => {
  const user = await db.prisma.user.create({
    data: { name: 'Revoked Rep', email: 'revoked@test.psm', role: 'rep' },
  });
  const { token, id } = await issueApiToken(db.prisma, { userId: user.id, label: 'revoked' });
  const auth = createCachedAuthenticator(db.prisma, { ttlMs: 60_000 });
  const inFlight = auth.authenticate(token);
  await db.prisma.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  auth.forgetToken(id);
  // The lookup that started first may still answer its caller (it read the row before).
  await inFlight;
  // The next request looks again and is refused.
  expect(await auth.authenticate(token)).toBeNull();
});
