// The report queries over the rollup table ("ReportRollup", prisma/migrations/*_report_rollups):
// per local day (the sales calendar's), what the projection's rows add up to, kept exact by
// triggers in each writing transaction. A company-wide report over whole local days adds up a few
// thousand bucket rows instead of scanning every deal; anything else (a team, a line, a period
// that starts or ends inside a day) runs the raw queries, which give the same numbers.
//
// Bucket kinds (column "kind"; "day" is the local day unless said otherwise):
//   created / won          deals created / won that day (won also per owner: wono)
//   open                   open deals by current milestone, flags 1 = stalled, x = Σ stage-entry epochs
//   pipe / piped           open and on-hold deals per owner by expected close month / day, flags 1 = on hold,
//                          2 = open at one of the commit milestones, x = weighted amount
//   me / meo / meom        milestone visits by the day entered (meo per owner on the row, meom the same by
//                          month); flags 1 skipped, 2 SLA breached, 4 moved on (left, and the deal is at
//                          another milestone now)
//   mk2 / mk2o             moved-on visits by day entered (day) and day left (d2)
//   ml                     visits left (not skipped) by the day left, x = Σ days spent
//   adv / stall / lost     milestone visits / sla_breached / lost events, d2 = the day of the deal's previous one
//   apd:<kind>             approvals decided, x = Σ hours waited, mx = the longest wait
// The milestone kinds are bucketed by the milestone's key (column "milestone", '' for the other
// kinds): positions differ between process versions, keys do not (issue 17).
import { Prisma, type PrismaClient } from '../../db/prisma';
import { PSM_PROCESS } from '../../../workflows/psm-process';
import { localDay, localDayStart } from '../report-period';
import type { QueryScope } from '../report-scope';

/** What the migration's SQL assumes (report_rollup_settings()); other values run the raw queries. */
export const ROLLUP_UTC_OFFSET_MINUTES = 480;
/** The milestones report_rollup_commit_milestones() counts as commit (at or past 商务突破). */
export const ROLLUP_COMMIT_MILESTONES: readonly string[] = ['business_breakthrough', 'contract_signed'];
export const NO_OWNER = '00000000-0000-0000-0000-000000000000';

/** Whether a report may read the rollups at all: the caller did not ask for the raw queries, and
 * the process definition's calendar is the one the rollups were built on. */
export function rollupsApply(scope: QueryScope & { useRollups?: boolean }): boolean {
  return (
    scope.useRollups !== false && PSM_PROCESS.workCalendar.utcOffsetMinutes === ROLLUP_UTC_OFFSET_MINUTES
  );
}

/**
 * Runs a rollup query: one statement, no transaction. A rollup query adds up a few thousand bucket
 * rows found by index (plan costs around 10,000, far below jit_above_cost), so reportQuery's
 * settings for the raw queries (no JIT, more work_mem, cheap index probes) leave its plan as it
 * is, while the transaction around them costs three more round trips: on the loaded build box
 * (load average 33 on 2 cores) reportQuery(SELECT 1) took 49 ms at p50 against 9 ms bare.
 */
export function rollupQuery<T>(prisma: PrismaClient, sql: Prisma.Sql): Promise<T[]> {
  return prisma.$queryRaw<T[]>(sql);
}

export interface RollupDays {
  /** First local day, 'YYYY-MM-DD'. */
  fromDay: string;
  /** The local day after the last (exclusive). */
  toDay: string;
}

/** The period as whole local days, or null when it starts or ends inside one. */
export function wholeDays({ from, to }: { from: Date; to: Date }): RollupDays | null {
  const fromDay = localDay(from);
  const toDay = localDay(to);
  if (localDayStart(fromDay).getTime() !== from.getTime()) return null;
  if (localDayStart(toDay).getTime() !== to.getTime()) return null;
  return { fromDay, toDay };
}

const inDays = ({ fromDay, toDay }: RollupDays) =>
  Prisma.sql`r."day" >= ${fromDay}::date AND r."day" < ${toDay}::date`;

/** The funnel's conversions (company-wide), the same rows as conversionsSql with perOwner false. */
export function conversionsRollupSql(days: RollupDays): Prisma.Sql {
  return Prisma.sql`
    WITH e AS (
      SELECT r."milestone", sum(r."n") AS reached, sum(r."n") FILTER (WHERE r."flags" & 1 = 1) AS skipped,
             sum(r."amount") AS amount, sum(r."n") FILTER (WHERE r."flags" & 4 = 4) AS moved
        FROM "ReportRollup" r
       WHERE r."kind" = 'me' AND ${inDays(days)}
       GROUP BY r."milestone" HAVING sum(r."n") > 0),
    late AS (
      SELECT r."milestone", sum(r."n") AS n
        FROM "ReportRollup" r
       WHERE r."kind" = 'mk2' AND r."d2" >= ${days.toDay}::date AND ${inDays(days)}
       GROUP BY r."milestone")
    SELECT NULL::text AS "ownerId", e."milestone" AS "milestone", e.reached::int AS "reached",
           coalesce(e.skipped, 0)::int AS "skipped", coalesce(e.amount, 0)::float8 AS "amount",
           (coalesce(e.moved, 0) - coalesce(late.n, 0))::int AS "advanced"
      FROM e LEFT JOIN late ON late."milestone" = e."milestone"`;
}

/** First day of the month a 'YYYY-MM-DD' day is in, and of the next month. */
const monthOf = (day: string) => `${day.slice(0, 8)}01`;
function nextMonth(day: string): string {
  const d = new Date(`${monthOf(day)}T00:00:00.000Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/** Whole days between two 'YYYY-MM-DD' days. */
const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00.000Z`) - Date.parse(`${a}T00:00:00.000Z`)) / 86_400_000);

/** Per-owner visit buckets to add up (sign 1) or take away (sign -1): kind over days [from, to). */
interface VisitSpan {
  kind: 'meo' | 'meom';
  from: string;
  to: string;
  sign: 1 | -1;
}

/**
 * The spans that add up to the period's visits. Whole months come from the monthly buckets. A
 * month the period starts (or ends) inside is its days from the daily buckets, or, when fewer days
 * of that month lie outside the period, the whole month minus those days: the 90 days up to today
 * start a few days into a month, so the first month costs a few days' buckets instead of most of
 * a month's (and the days after today have none).
 */
function visitSpans(days: RollupDays): VisitSpan[] {
  const firstMonth = days.fromDay === monthOf(days.fromDay) ? days.fromDay : nextMonth(days.fromDay);
  const lastMonth = monthOf(days.toDay);
  if (firstMonth >= lastMonth) return [{ kind: 'meo', from: days.fromDay, to: days.toDay, sign: 1 }];
  const spans: VisitSpan[] = [{ kind: 'meom', from: firstMonth, to: lastMonth, sign: 1 }];
  const edge = (monthStart: string, inFrom: string, inTo: string) => {
    const monthEnd = nextMonth(monthStart);
    if (inFrom === inTo) return;
    const outside = daysBetween(monthStart, monthEnd) - daysBetween(inFrom, inTo);
    if (outside >= daysBetween(inFrom, inTo)) {
      spans.push({ kind: 'meo', from: inFrom, to: inTo, sign: 1 });
      return;
    }
    spans.push({ kind: 'meom', from: monthStart, to: monthEnd, sign: 1 });
    if (inFrom > monthStart) spans.push({ kind: 'meo', from: monthStart, to: inFrom, sign: -1 });
    if (inTo < monthEnd) spans.push({ kind: 'meo', from: inTo, to: monthEnd, sign: -1 });
  };
  edge(monthOf(days.fromDay), days.fromDay, firstMonth);
  edge(lastMonth, lastMonth, days.toDay);
  return spans;
}

/**
 * The bottleneck report's conversions per owner on the milestone row (company-wide), from the
 * per-owner visit buckets of visitSpans (counts: a month minus some of its days is exact). Its
 * rows carry reached and advanced (what the report reads); skipped and amount are 0.
 */
export function conversionsPerOwnerRollupSql(days: RollupDays): Prisma.Sql {
  const spans = visitSpans(days);
  const inSpan = (v: VisitSpan) =>
    Prisma.sql`(r."kind" = ${v.kind} AND r."day" >= ${v.from}::date AND r."day" < ${v.to}::date)`;
  // The spans taken away are the daily buckets outside the period (the ones added lie inside).
  // The signed count is worked out once per row (OFFSET 0 keeps the subquery from being flattened
  // into each aggregate); one bitmap scan reads every span (a UNION ALL of them went parallel).
  return Prisma.sql`
    WITH e AS (
      SELECT v."ownerId", v."milestone", sum(v.n) AS reached, sum(v.n) FILTER (WHERE v."flags" & 4 = 4) AS moved
        FROM (SELECT r."ownerId", r."milestone", r."flags",
                     CASE WHEN r."kind" = 'meo' AND (r."day" < ${days.fromDay}::date OR r."day" >= ${days.toDay}::date)
                          THEN -r."n" ELSE r."n" END AS n
                FROM "ReportRollup" r
               WHERE ${Prisma.join(spans.map(inSpan), ' OR ')}
              OFFSET 0) v
       GROUP BY v."ownerId", v."milestone"),
    late AS (
      SELECT r."ownerId", r."milestone", sum(r."n") AS n
        FROM "ReportRollup" r
       WHERE r."kind" = 'mk2o' AND r."d2" >= ${days.toDay}::date AND ${inDays(days)}
       GROUP BY r."ownerId", r."milestone")
    SELECT e."ownerId"::text AS "ownerId", e."milestone" AS "milestone", e.reached::int AS "reached",
           0 AS "skipped", 0::float8 AS "amount", (coalesce(e.moved, 0) - coalesce(late.n, 0))::int AS "advanced"
      FROM e LEFT JOIN late ON late."ownerId" = e."ownerId" AND late."milestone" = e."milestone"
     WHERE e.reached > 0`;
}

/**
 * The forecast's open pipeline per owner (company-wide): deals expected to close by the period's
 * last day or with no date. Whole months before that day's month come from the monthly buckets,
 * that month's days up to it from the daily ones (all of it when it is the month's last day).
 */
export function pipelineRollupSql({ to }: { to: Date }): Prisma.Sql {
  const lastDay = localDay(new Date(to.getTime() - 1));
  const monthStart = `${lastDay.slice(0, 8)}01`;
  const next = new Date(`${lastDay}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const monthEnds = next.getUTCDate() === 1;
  const buckets = monthEnds
    ? Prisma.sql`r."kind" = 'pipe' AND r."day" <= ${monthStart}::date`
    : Prisma.sql`((r."kind" = 'pipe' AND r."day" < ${monthStart}::date)
                  OR (r."kind" = 'piped' AND r."day" >= ${monthStart}::date AND r."day" <= ${lastDay}::date))`;
  const open = Prisma.sql`r."flags" & 1 = 0`;
  const commit = Prisma.sql`r."flags" & 2 = 2`;
  return Prisma.sql`
    SELECT r."ownerId"::text AS "ownerId",
           (coalesce(sum(r."n") FILTER (WHERE ${open}), 0))::int AS "openCount",
           coalesce(sum(r."amount") FILTER (WHERE ${open}), 0)::float8 AS "openAmount",
           coalesce(sum(r."x") FILTER (WHERE ${open}), 0)::float8 AS "openWeighted",
           (coalesce(sum(r."n") FILTER (WHERE ${commit}), 0))::int AS "commitCount",
           coalesce(sum(r."amount") FILTER (WHERE ${commit}), 0)::float8 AS "commitAmount",
           coalesce(sum(r."x") FILTER (WHERE ${commit}), 0)::float8 AS "commitWeighted",
           (coalesce(sum(r."n") FILTER (WHERE r."flags" & 1 = 1), 0))::int AS "holdCount",
           coalesce(sum(r."amount") FILTER (WHERE r."flags" & 1 = 1), 0)::float8 AS "holdAmount"
      FROM "ReportRollup" r
     WHERE ${buckets}
     GROUP BY r."ownerId" HAVING sum(r."n") > 0`;
}

/** Deals won in the period per owner (company-wide). */
export function wonRollupSql(days: RollupDays): Prisma.Sql {
  return Prisma.sql`
    SELECT r."ownerId"::text AS "ownerId", sum(r."n")::int AS "count", coalesce(sum(r."amount"), 0)::float8 AS "amount"
      FROM "ReportRollup" r
     WHERE r."kind" = 'wono' AND ${inDays(days)}
     GROUP BY r."ownerId" HAVING sum(r."n") > 0`;
}

/**
 * Movement counts (company-wide), the rows of movementCountsSql. Distinct deals per event come
 * from the visits and events whose deal had none of the same kind earlier in the period.
 */
export function movementCountsRollupSql(days: RollupDays): Prisma.Sql {
  return Prisma.sql`
    SELECT CASE r."kind" WHEN 'adv' THEN 'milestone_reached' WHEN 'stall' THEN 'sla_breached' ELSE r."kind" END AS "type",
           sum(r."n")::int AS "count", coalesce(sum(r."amount"), 0)::float8 AS "amount"
      FROM "ReportRollup" r
     WHERE r."kind" IN ('created', 'won', 'adv', 'stall', 'lost') AND ${inDays(days)}
       AND r."d2" < ${days.fromDay}::date
     GROUP BY r."kind"`;
}

/** Open deals per current milestone as of `asOf` (company-wide), the rows of openStagesSql. */
export function openStagesRollupSql(asOf: Date): Prisma.Sql {
  const now = Prisma.sql`date_part('epoch', ${asOf}::timestamp)`;
  return Prisma.sql`
    SELECT g."milestone" AS "milestone", g.open::int AS "open", g.stalled::int AS "stalled",
           g.stalled_amount::float8 AS "stalledAmount",
           ((${now} - (g.epochs / g.open)::float8) / 86400)::float8 AS "avgDays",
           ((${now} - date_part('epoch', oldest.at)) / 86400)::float8 AS "maxDays"
      FROM (SELECT r."milestone", sum(r."n") AS open, coalesce(sum(r."n") FILTER (WHERE r."flags" = 1), 0) AS stalled,
                   coalesce(sum(r."amount") FILTER (WHERE r."flags" = 1), 0) AS stalled_amount, sum(r."x") AS epochs
              FROM "ReportRollup" r WHERE r."kind" = 'open'
             GROUP BY r."milestone" HAVING sum(r."n") > 0) g
     CROSS JOIN LATERAL (SELECT min(o."stageEnteredAt") AS at FROM "Opportunity" o
                          WHERE o."status" = 'open' AND o."milestone" = g."milestone") oldest`;
}

/** Per milestone: visits begun in the period (not skipped) and SLA breaches, visits left and their days. */
export function milestoneStatsRollupSql(days: RollupDays): Prisma.Sql {
  const me = Prisma.sql`r."kind" = 'me' AND r."flags" & 1 = 0`;
  const ml = Prisma.sql`r."kind" = 'ml'`;
  return Prisma.sql`
    SELECT r."milestone" AS "milestone",
           coalesce(sum(r."n") FILTER (WHERE ${me}), 0)::int AS "entered",
           coalesce(sum(r."n") FILTER (WHERE ${me} AND r."flags" & 2 = 2), 0)::int AS "breached",
           coalesce(sum(r."n") FILTER (WHERE ${ml}), 0)::int AS "transitions",
           (sum(r."x") FILTER (WHERE ${ml}) / nullif(sum(r."n") FILTER (WHERE ${ml}), 0))::float8 AS "avgDays"
      FROM "ReportRollup" r
     WHERE r."kind" IN ('me', 'ml') AND ${inDays(days)}
     GROUP BY r."milestone"`;
}

/** Approvals decided in the period per kind (company-wide), the rows of approvalsDecidedSql. */
export function approvalsDecidedRollupSql(days: RollupDays, kinds: readonly string[]): Prisma.Sql {
  return Prisma.sql`
    SELECT substr(r."kind", 5) AS "kind", sum(r."n")::int AS "decided",
           (sum(r."x") / sum(r."n"))::float8 AS "avgHours", max(r."mx")::float8 AS "maxHours"
      FROM "ReportRollup" r
     WHERE r."kind" = ANY(${kinds.map((k) => `apd:${k}`)}::text[]) AND ${inDays(days)}
     GROUP BY r."kind" HAVING sum(r."n") > 0`;
}
