// What the read model could not store, kept where an admin can see it (GET /api/admin/dead-letters).
// Writes are idempotent per (deal, kind, seq): a poisoned event projected again counts an
// occurrence instead of adding a row.
import type { Prisma, PrismaClient } from '../db/prisma';
import type { ProjectionFailure } from './projection-errors';
import { storableText } from './sanitize-snapshot';

export type DeadLetterKind = 'event' | 'snapshot';

export interface DeadLetterInput {
  opportunityId: string;
  kind: DeadLetterKind;
  /** The event's seq; 0 for a snapshot (one row per deal, kept current). */
  seq: number;
  type: string;
  failure: ProjectionFailure;
  /** Stored as JSON text: JSON escapes a NUL, which no PostgreSQL text or jsonb value can hold. */
  payload: unknown;
}

const MAX_ERROR = 2_000;

export async function recordDeadLetter(
  db: Prisma.TransactionClient | PrismaClient,
  d: DeadLetterInput,
): Promise<void> {
  const payload = JSON.stringify(d.payload) ?? 'null';
  const error = storableText(d.failure.message).slice(0, MAX_ERROR);
  await db.$executeRaw`
    INSERT INTO "ProjectionDeadLetter" (id, "opportunityId", kind, seq, type, error, "sqlState", payload)
    VALUES (gen_random_uuid(), ${storableText(d.opportunityId)}, ${d.kind}, ${d.seq},
            ${storableText(d.type).slice(0, 200)}, ${error}, ${d.failure.sqlState}, ${payload})
    ON CONFLICT ("opportunityId", kind, seq) DO UPDATE SET
      occurrences = "ProjectionDeadLetter".occurrences + 1, "lastSeenAt" = CURRENT_TIMESTAMP,
      type = EXCLUDED.type, error = EXCLUDED.error, "sqlState" = EXCLUDED."sqlState", payload = EXCLUDED.payload`;
}

export interface DeadLetterRow {
  id: string;
  opportunityId: string;
  kind: string;
  seq: number;
  type: string;
  error: string;
  sqlState: string | null;
  payload: string;
  occurrences: number;
  createdAt: Date;
  lastSeenAt: Date;
}

export async function listDeadLetters(
  prisma: PrismaClient,
  filter: { opportunityId?: string; limit: number; offset: number },
): Promise<{ total: number; deadLetters: DeadLetterRow[] }> {
  const where = filter.opportunityId ? { opportunityId: filter.opportunityId } : {};
  const [total, deadLetters] = await Promise.all([
    prisma.projectionDeadLetter.count({ where }),
    prisma.projectionDeadLetter.findMany({
      where,
      orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }],
      take: filter.limit,
      skip: filter.offset,
    }),
  ]);
  return { total, deadLetters };
}
