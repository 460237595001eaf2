// The API's token cache (issue 16): a burst of requests with one token when its cache entry has
// expired makes one database lookup, not one per request; and a token revoked while a lookup is in
// flight is not put back into the cache by that lookup. Real PostgreSQL; the statements are
// counted as Prisma sends them (its query log events), on a client only the authenticator uses.
// (Counting pg_stat_database's commits was flaky: under load a backend publishes its counts
// later than any fixed wait, and an earlier statement landed in the burst's count.)
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../src/generated/prisma/client';
import { createCachedAuthenticator } from '../../src/auth/cached-authenticator';
import { issueApiToken } from '../../src/auth/api-tokens';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let counted: PrismaClient<'query'>;
let sent = 0;
beforeAll(async () => {
  db = await createTestDatabase();
  counted = new PrismaClient({
    adapter: new PrismaPg({ connectionString: db.url, max: 5 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  counted.$on('query', () => {
    sent += 1;
  });
});
afterAll(async () => {
  await counted?.$disconnect();
  await db?.drop();
});

/** Statements the authenticator's client has sent so far. */
function statementsSent(): number {
  return sent;
}

test('a burst with one token at its expiry makes one lookup', async () => {
  const user = await db.prisma.user.create({
    data: { name: 'Burst Rep', email: 'burst@test.psm', role: 'rep' },
  });
  const { token } = await issueApiToken(db.prisma, { userId: user.id, label: 'burst' });
  const auth = createCachedAuthenticator(counted, { ttlMs: 60_000 });
  const before = statementsSent();
  const users = await Promise.all(Array.from({ length: 40 }, () => auth.authenticate(token)));
  expect(users.every((u) => u?.id === user.id)).toBe(true);
  // The token row and its user (one query with a join, or two), and lastUsedAt once; never 40.
  const lookups = statementsSent() - before;
  expect(lookups).toBeGreaterThan(0);
  expect(lookups).toBeLessThanOrEqual(3);
  // Cached now: more requests make no lookup at all.
  const again = statementsSent();
  await Promise.all(Array.from({ length: 10 }, () => auth.authenticate(token)));
  expect(statementsSent() - again).toBe(0);
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
