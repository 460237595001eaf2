// How many deals reached each milestone in a period, and how many of those went on to the next one
// by the period's end. Shared by the funnel (per milestone) and the bottleneck report (per rep).
//
// Conversion is a cohort rate: of the deals that reached milestone m within [from, to), the share
// that had reached m+1 before `to`. A skipped milestone (skip approved) counts as reached, since
// the deal did pass it. Milestones are counted by key (issue 17): deals on different process
// versions count under the milestone they reached, whatever its position in their version. Deals that reached m just before `to` have had little time to move on;
// that is the usual price of a period-bounded cohort and is the same for every rep.
import { Prisma } from '../db/prisma';
import { ownerFilter, reportQuery, type QueryScope, type ReportOptions } from './report-scope';
import {
  conversionsPerOwnerRollupSql,
  conversionsRollupSql,
  rollupQuery,
  rollupsApply,
  wholeDays,
} from './rollups/rollup-queries';

export interface ConversionRow {
  /** Null unless grouped per owner. */
  ownerId: string | null;
  /** The milestone's key. */
  milestone: string;
  reached: number;
  skipped: number;
  /** Sum of the reaching deals' current amounts. */
  amount: number;
  /** Of `reached`, how many reached the next milestone before `to`. */
  advanced: number;
}

/**
 * The conversions query (exported so the bench can EXPLAIN exactly what runs).
 *
 * "Reached m+1 before `to`" is read off milestone m's own row: the projection sets `leftAt` when
 * the deal reaches another milestone (a later one: a skip included), and milestones never go back,
 * so a visit left before `to` by a deal now at another milestone is one that moved on. The deal's
 * current milestone guards against a visit ended by closing the deal. Keys, not positions: a
 * migrated deal's positions change with its version. This avoids a self-join on the milestone table.
 */
export function conversionsSql(
  { scopeUserIds, from, to }: QueryScope,
  { perOwner }: { perOwner: boolean },
): Prisma.Sql {
  const owner = perOwner ? Prisma.sql`me."ownerId"::text` : Prisma.sql`NULL::text`;
  const groupBy = perOwner
    ? Prisma.sql`GROUP BY me."ownerId", me."milestone"`
    : Prisma.sql`GROUP BY me."milestone"`;
  return Prisma.sql`
    SELECT ${owner} AS "ownerId",
           me."milestone" AS "milestone",
           count(*)::int AS "reached",
           (count(*) FILTER (WHERE me."skipped"))::int AS "skipped",
           coalesce(sum(o."amount"), 0)::float8 AS "amount",
           (count(*) FILTER (WHERE me."leftAt" < ${to} AND o."milestone" <> me."milestone"))::int AS "advanced"
      FROM "MilestoneEvent" me
      JOIN "Opportunity" o ON o."id" = me."opportunityId"
     WHERE me."enteredAt" >= ${from} AND me."enteredAt" < ${to}
       ${ownerFilter(Prisma.sql`me."ownerId"`, scopeUserIds)}
     ${groupBy}`;
}

export async function queryConversions(
  options: ReportOptions,
  grouping: { perOwner: boolean },
): Promise<ConversionRow[]> {
  const sql = conversionsQuery(options, grouping);
  return rollupDays(options)
    ? rollupQuery<ConversionRow>(options.prisma, sql)
    : reportQuery<ConversionRow>(options.prisma, sql);
}

/** The period's whole local days when the rollups serve it (the whole company), else null. */
const rollupDays = (scope: QueryScope) =>
  scope.scopeUserIds === null && rollupsApply(scope) ? wholeDays(scope) : null;

/** The rollup query for the whole company over whole local days, else the raw one. */
export function conversionsQuery(scope: QueryScope, grouping: { perOwner: boolean }): Prisma.Sql {
  const days = rollupDays(scope);
  if (!days) return conversionsSql(scope, grouping);
  return grouping.perOwner ? conversionsPerOwnerRollupSql(days) : conversionsRollupSql(days);
}
