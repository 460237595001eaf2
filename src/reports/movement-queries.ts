// The movement report's SQL, one builder per question (exported so the bench can EXPLAIN exactly
// what runs). Deal-level numbers count the deal's current owner; milestone-level numbers the owner
// recorded on the milestone row (see report-scope.ts).
import { Prisma } from '../db/prisma';
import { ownerFilter, type QueryScope } from './report-scope';

/** The workflow event behind each movement count (see movementCountsSql for where each is read). */
export const MOVEMENT_EVENTS = {
  created: 'created',
  advanced: 'milestone_reached',
  stalled: 'sla_breached',
  won: 'won',
  lost: 'lost',
} as const;

/**
 * Distinct deals per movement event in the period, with their current amounts. Each count is read
 * where the projection keeps that event most cheaply, all equivalent to counting the journal:
 * created = the deal's createdAt; won = status won with closedAt (winning is final); advanced = a
 * milestone row entered in the period (one row per milestone reached, never re-entered); stalled
 * and lost from the journal itself (a deal can be lost, reopened and lost again; a stall breaches
 * once per stage visit). Written as one semi-join per event so the planner can go deal by deal
 * for a team and through the period's events for the whole company. Advanced is a milestone
 * statistic and so counts the owner on the milestone row (see report-scope.ts); the others count
 * the deal's current owner.
 */
export function movementCountsSql({ scopeUserIds, from, to }: QueryScope): Prisma.Sql {
  const scope = ownerFilter(Prisma.sql`o."ownerId"`, scopeUserIds);
  const money = Prisma.sql`count(*)::int AS "count", coalesce(sum(o."amount"), 0)::float8 AS "amount"`;
  const inJournal = (type: string) => Prisma.sql`
    SELECT ${type}::text, ${money}
      FROM "Opportunity" o
     WHERE EXISTS (SELECT 1 FROM "OpportunityEvent" e
                    WHERE e."opportunityId" = o."id" AND e."type" = ${type}
                      AND e."occurredAt" >= ${from} AND e."occurredAt" < ${to})
       ${scope}`;
  return Prisma.sql`
    SELECT ${MOVEMENT_EVENTS.created}::text AS "type", ${money}
      FROM "Opportunity" o
     WHERE o."createdAt" >= ${from} AND o."createdAt" < ${to} ${scope}
    UNION ALL
    SELECT ${MOVEMENT_EVENTS.won}::text, ${money}
      FROM "Opportunity" o
     WHERE o."status" = 'won' AND o."closedAt" >= ${from} AND o."closedAt" < ${to} ${scope}
    UNION ALL
    SELECT ${MOVEMENT_EVENTS.advanced}::text, ${money}
      FROM "Opportunity" o
     WHERE o."id" IN (SELECT me."opportunityId" FROM "MilestoneEvent" me
                       WHERE me."enteredAt" >= ${from} AND me."enteredAt" < ${to}
                         ${ownerFilter(Prisma.sql`me."ownerId"`, scopeUserIds)})
    UNION ALL ${inJournal(MOVEMENT_EVENTS.stalled)}
    UNION ALL ${inJournal(MOVEMENT_EVENTS.lost)}`;
}

/**
 * Open deals per current milestone (by key: issue 17): how many, how many stalled, and their days
 * in stage as of `asOf`.
 */
export function openStagesSql({ scopeUserIds }: QueryScope, asOf: Date): Prisma.Sql {
  // Aggregates the entry times and subtracts once per group, in float8: per-row interval
  // arithmetic in numeric was most of this query's time on 40,000 open deals.
  const now = Prisma.sql`date_part('epoch', ${asOf}::timestamp)`;
  return Prisma.sql`
    SELECT o."milestone" AS "milestone",
           count(*)::int AS "open",
           (count(*) FILTER (WHERE o."stalled"))::int AS "stalled",
           coalesce(sum(o."amount") FILTER (WHERE o."stalled"), 0)::float8 AS "stalledAmount",
           ((${now} - avg(date_part('epoch', o."stageEnteredAt"))) / 86400)::float8 AS "avgDays",
           ((${now} - date_part('epoch', min(o."stageEnteredAt"))) / 86400)::float8 AS "maxDays"
      FROM "Opportunity" o
     WHERE o."status" = 'open' ${ownerFilter(Prisma.sql`o."ownerId"`, scopeUserIds)}
     GROUP BY o."milestone"`;
}

/**
 * Per milestone (by key: issue 17), in one pass over the milestone rows: the visits that began in the period and how
 * many breached the stage SLA, and the visits left in the period with their average days
 * (velocity). Skipped milestones took no time and had no SLA to breach, so they are left out.
 *
 * `leftAt` is set only when the deal reaches a later milestone (activities/projection.ts), so a
 * left visit is one that moved on; a deal lost at a milestone leaves its row open. The velocity
 * test (D4, lost at its first milestone) fails if that ever changes.
 */
export function milestoneStatsSql({ scopeUserIds, from, to }: QueryScope): Prisma.Sql {
  const entered = Prisma.sql`me."enteredAt" >= ${from} AND me."enteredAt" < ${to}`;
  const left = Prisma.sql`me."leftAt" >= ${from} AND me."leftAt" < ${to}`;
  // date_part is float8; extract() is numeric, several times slower over tens of thousands of rows.
  const days = Prisma.sql`date_part('epoch', me."leftAt" - me."enteredAt") / 86400`;
  return Prisma.sql`
    SELECT me."milestone" AS "milestone",
           (count(*) FILTER (WHERE ${entered}))::int AS "entered",
           (count(*) FILTER (WHERE ${entered} AND me."slaBreached"))::int AS "breached",
           (count(*) FILTER (WHERE ${left}))::int AS "transitions",
           (avg(${days}) FILTER (WHERE ${left}))::float8 AS "avgDays"
      FROM "MilestoneEvent" me
     WHERE ((${entered}) OR (${left}))
       AND NOT me."skipped"
       ${ownerFilter(Prisma.sql`me."ownerId"`, scopeUserIds)}
     GROUP BY me."milestone"`;
}

/**
 * Only a scoped report needs the deal (for its owner); the whole company's approvals are counted
 * straight from the approval table.
 */
function approvalScope(scopeUserIds: readonly string[] | null): Prisma.Sql {
  if (scopeUserIds === null) return Prisma.empty;
  return Prisma.sql`JOIN "Opportunity" o ON o."id" = a."opportunityId" ${ownerFilter(Prisma.sql`o."ownerId"`, scopeUserIds)}`;
}

/** Approvals decided (approved or rejected; cancelled ones waited for nobody) in the period. */
export function approvalsDecidedSql({ scopeUserIds, from, to }: QueryScope): Prisma.Sql {
  const hours = Prisma.sql`date_part('epoch', a."decidedAt" - a."requestedAt") / 3600`;
  return Prisma.sql`
    SELECT a."kind", count(*)::int AS "decided", avg(${hours})::float8 AS "avgHours", max(${hours})::float8 AS "maxHours"
      FROM "Approval" a
      ${approvalScope(scopeUserIds)}
     WHERE a."status" IN ('approved', 'rejected')
       AND a."decidedAt" >= ${from} AND a."decidedAt" < ${to}
     GROUP BY a."kind"`;
}

/** Approvals still pending, and the oldest one's age in hours as of `asOf`. */
export function approvalsPendingSql({ scopeUserIds }: QueryScope, asOf: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT a."kind", count(*)::int AS "pending",
           (date_part('epoch', ${asOf}::timestamp - min(a."requestedAt")) / 3600)::float8 AS "oldestHours"
      FROM "Approval" a
      ${approvalScope(scopeUserIds)}
     WHERE a."status" = 'pending'
     GROUP BY a."kind"`;
}
