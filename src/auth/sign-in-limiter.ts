// Failed sign-ins, counted per account (the email as typed, lower-cased, whether or not such a
// user exists, so the limit itself says nothing about existence) and per client address. Either
// over its limit refuses the next attempt before any password is checked.
//
// The counts live in PostgreSQL, a fixed window per key, so every API process sees the same
// count: with three API processes an attacker still gets 5 guesses per account per window, not
// 15. One statement per failure (an upsert that restarts an expired window), one indexed read per
// attempt. Keys are stored as SHA-256 digests: the table holds no email address and no client
// address. Refused attempts write nothing, so the per-address limit also bounds how many rows one
// address can add; expired windows are swept now and then by the writes themselves.
import { createHash } from 'node:crypto';
import { Prisma, type PrismaClient } from '../db/prisma';

export interface SignInLimiterOptions {
  /** What is being limited; keys of different limiters never meet ('sign-in', 'mail', …). */
  scope: string;
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

export interface SignInLimiter {
  /** Seconds to wait when the account or the address is over its limit; undefined otherwise. */
  retryAfter(account: string, address: string): Promise<number | undefined>;
  recordFailure(account: string, address: string): Promise<void>;
  /** A successful sign-in clears the account's count (not the address's). */
  recordSuccess(account: string): Promise<void>;
}

/** "resetAt" is a timestamp without zone holding UTC, as Prisma writes it: compare in UTC whatever
 * the session's TimeZone. */
const NOW = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/** One write in this many also deletes windows that ended more than a window ago. */
const SWEEP_EVERY = 200;

export function createSignInLimiter(prisma: PrismaClient, options: SignInLimiterOptions): SignInLimiter {
  const digest = (kind: 'account' | 'address', value: string) =>
    createHash('sha256')
      .update(`${options.scope}\0${kind}\0${kind === 'account' ? value.trim().toLowerCase() : value}`)
      .digest('hex');
  const windowMs = options.windowMs;
  let writes = 0;

  const bump = (key: string) => prisma.$executeRaw`
    INSERT INTO "AuthFailureWindow" ("key", "count", "resetAt")
    VALUES (${key}, 1, ${NOW} + ${windowMs} * interval '1 millisecond')
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "AuthFailureWindow"."resetAt" <= ${NOW} THEN 1
                     ELSE "AuthFailureWindow"."count" + 1 END,
      "resetAt" = CASE WHEN "AuthFailureWindow"."resetAt" <= ${NOW} THEN EXCLUDED."resetAt"
                       ELSE "AuthFailureWindow"."resetAt" END`;

  return {
    async retryAfter(account, address) {
      const accountKey = digest('account', account);
      const addressKey = digest('address', address);
      const rows = await prisma.$queryRaw<{ key: string; count: number; waitMs: number }[]>`
        SELECT "key", "count", (EXTRACT(EPOCH FROM ("resetAt" - ${NOW})) * 1000)::float8 AS "waitMs"
        FROM "AuthFailureWindow"
        WHERE "key" IN (${accountKey}, ${addressKey}) AND "resetAt" > ${NOW}`;
      const waits = rows
        .filter((r) => r.count >= (r.key === accountKey ? options.perAccount : options.perAddress))
        .map((r) => Math.max(1, Math.ceil(r.waitMs / 1000)));
      return waits.length ? Math.max(...waits) : undefined;
    },
    async recordFailure(account, address) {
      await prisma.$transaction([bump(digest('account', account)), bump(digest('address', address))]);
      writes += 1;
      if (writes % SWEEP_EVERY === 0) {
        await prisma.$executeRaw`
          DELETE FROM "AuthFailureWindow"
          WHERE "resetAt" < ${NOW} - ${windowMs} * interval '1 millisecond'`;
      }
    },
    async recordSuccess(account) {
      await prisma.$executeRaw`DELETE FROM "AuthFailureWindow" WHERE "key" = ${digest('account', account)}`;
    },
  };
}
