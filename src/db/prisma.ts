import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type { PrismaClient } from '../generated/prisma/client';
export { Prisma } from '../generated/prisma/client';

/** How long a transaction waits for a pooled connection before it fails. */
export const TRANSACTION_MAX_WAIT_MS = 10_000;
/** How long an interactive transaction may stay open before Prisma expires it (P2028, a 503). */
export const TRANSACTION_TIMEOUT_MS = 30_000;

export function createPrismaClient(
  databaseUrl: string,
  options: { maxConnections?: number } = {},
): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
  // A transaction waits up to 10 s for a free connection (Prisma's default is 2 s): under load the
  // pool is briefly full (a weekly report composes many report queries at once) and a 2 s wait
  // failed the request with 500 "Unable to start a transaction in the given time".
  // It may stay open up to 30 s (Prisma's default is 5 s): the request-path transactions are a few
  // short statements, but on a loaded 2-core machine, or queued on a row or advisory lock another
  // request holds, 5 s ran out and a request that nobody refused failed with 503 (P2028).
  return new PrismaClient({
    adapter,
    transactionOptions: { maxWait: TRANSACTION_MAX_WAIT_MS, timeout: TRANSACTION_TIMEOUT_MS },
  });
}
