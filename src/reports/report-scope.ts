// Whose deals a report counts, and how that becomes SQL. Every report takes the same options;
// `scopeUserIds: null` means the whole company (admins), otherwise the owners to count.
//
// Attribution: milestone statistics (funnel, conversion, velocity, SLA breaches, deals advanced)
// count the owner recorded on the milestone row, i.e. the rep who owned the deal when it got
// there; pipeline, forecast, created / stalled / won / lost, days in stage, approvals and the
// stalled list count the deal's current owner, who answers for it now.
import { Prisma, type PrismaClient } from '../db/prisma';

export interface ReportOptions {
  prisma: PrismaClient;
  /** Owners whose deals count; null = everyone. */
  scopeUserIds: readonly string[] | null;
  from: Date;
  /** Exclusive. */
  to: Date;
  /** False runs the raw queries even where the rollups apply (tests compare the two). */
  useRollups?: boolean;
}

/** What a report query depends on (the options without the client): SQL builders take this. */
export type QueryScope = Omit<ReportOptions, 'prisma'>;

/** `AND <column> = ANY(...)`, or nothing for the whole company. The column is ours, never input. */
export function ownerFilter(column: Prisma.Sql, scopeUserIds: readonly string[] | null): Prisma.Sql {
  if (scopeUserIds === null) return Prisma.empty;
  return Prisma.sql`AND ${column} = ANY(${[...scopeUserIds]}::uuid[])`;
}

/**
 * Runs one report query with settings suited to short analytic reads over a read model that
 * lives in memory: no JIT (compiling a plan costs hundreds of milliseconds, more than these
 * queries run), enough work_mem for their hash aggregates to stay in memory, and index probes
 * priced as the cached reads they are (random_page_cost 1.1, the usual SSD setting; at the
 * default 4 the planner scans a whole table for a team's few thousand deals). SET LOCAL scopes
 * all three to this query's transaction.
 */
export async function reportQuery<T>(prisma: PrismaClient, sql: Prisma.Sql): Promise<T[]> {
  const [, rows] = await prisma.$transaction([
    prisma.$queryRaw`SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true),
                            set_config('random_page_cost', '1.1', true)`,
    prisma.$queryRaw<T[]>(sql),
  ]);
  return rows;
}

/** Rounds money to cents and ratios to a readable precision, so JSON carries no float noise. */
export const cents = (value: number): number => Math.round(value * 100) / 100;
export const oneDecimal = (value: number): number => Math.round(value * 10) / 10;
export const ratio = (part: number, whole: number): number | null =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
