// Is there enough pipeline for the target? Weighted pipeline (amount × win %) of the open deals
// expected to close by the period's end (or with no date yet), against what is left of the target
// once the deals won in the period are counted: coverage = weighted / (target − won).
//
// The win % is the deal's `probability` as the workflow last projected it (the reached milestone's
// winPct in workflows/psm-process.ts), so the forecast agrees with what the workflows did.
// Commit = open deals at or past COMMIT_FROM; best case = the rest of the open pipeline. "At or
// past" by key (issue 17): the deal's milestone is COMMIT_FROM or one after it in the report's order
// (the latest version's, see report-milestones.ts), whichever version the deal runs on.
import { Prisma } from '../db/prisma';
import { localDay, overlapMs, storedDateToLocalStart, addDays, type ReportPeriod } from './report-period';
import { keysFrom } from './report-milestones';
import { cents, ownerFilter, reportQuery, type QueryScope, type ReportOptions } from './report-scope';
import {
  ROLLUP_COMMIT_MILESTONES,
  pipelineRollupSql,
  rollupQuery,
  rollupsApply,
  wholeDays,
  wonRollupSql,
} from './rollups/rollup-queries';
import type { TForecastLine, TForecastReport } from './schemas';
import { namesAhead, userNames } from './user-names';

export const COMMIT_FROM = 'business_breakthrough';

export type ForecastReport = Omit<TForecastReport, 'scope'>;

interface PipelineRow {
  ownerId: string;
  openCount: number;
  openAmount: number;
  openWeighted: number;
  commitCount: number;
  commitAmount: number;
  commitWeighted: number;
  holdCount: number;
  holdAmount: number;
}

interface WonRow {
  ownerId: string;
  count: number;
  amount: number;
}

export function pipelineSql({ scopeUserIds, to }: QueryScope): Prisma.Sql {
  const commitKeys = keysFrom(COMMIT_FROM);
  const lastDay = localDay(new Date(to.getTime() - 1));
  const open = Prisma.sql`o."status" = 'open'`;
  const commit = Prisma.sql`o."status" = 'open' AND o."milestone" = ANY(${commitKeys}::text[])`;
  const weighted = Prisma.sql`o."amount" * o."probability" / 100`;
  return Prisma.sql`
    SELECT o."ownerId"::text AS "ownerId",
           (count(*) FILTER (WHERE ${open}))::int AS "openCount",
           coalesce(sum(o."amount") FILTER (WHERE ${open}), 0)::float8 AS "openAmount",
           coalesce(sum(${weighted}) FILTER (WHERE ${open}), 0)::float8 AS "openWeighted",
           (count(*) FILTER (WHERE ${commit}))::int AS "commitCount",
           coalesce(sum(o."amount") FILTER (WHERE ${commit}), 0)::float8 AS "commitAmount",
           coalesce(sum(${weighted}) FILTER (WHERE ${commit}), 0)::float8 AS "commitWeighted",
           (count(*) FILTER (WHERE o."status" = 'on_hold'))::int AS "holdCount",
           coalesce(sum(o."amount") FILTER (WHERE o."status" = 'on_hold'), 0)::float8 AS "holdAmount"
      FROM "Opportunity" o
     WHERE o."status" IN ('open', 'on_hold')
       AND (o."expectedCloseDate" IS NULL OR o."expectedCloseDate" <= ${lastDay}::date)
       ${ownerFilter(Prisma.sql`o."ownerId"`, scopeUserIds)}
     GROUP BY o."ownerId"`;
}

export function wonSql({ scopeUserIds, from, to }: QueryScope): Prisma.Sql {
  return Prisma.sql`
    SELECT o."ownerId"::text AS "ownerId", count(*)::int AS "count", coalesce(sum(o."amount"), 0)::float8 AS "amount"
      FROM "Opportunity" o
     WHERE o."status" = 'won' AND o."closedAt" >= ${from} AND o."closedAt" < ${to}
       ${ownerFilter(Prisma.sql`o."ownerId"`, scopeUserIds)}
     GROUP BY o."ownerId"`;
}

/** The rollups' commit buckets hold the same milestones as the report's order says (else: raw). */
function rollupCommitAgrees(): boolean {
  const keys = keysFrom(COMMIT_FROM);
  return (
    keys.length === ROLLUP_COMMIT_MILESTONES.length && keys.every((k) => ROLLUP_COMMIT_MILESTONES.includes(k))
  );
}

/** Company-wide, the rollups (the pipeline for any period end, won for whole local days). */
const pipelineFromRollups = (scope: QueryScope) =>
  scope.scopeUserIds === null && rollupsApply(scope) && rollupCommitAgrees();
const wonRollupDays = (scope: QueryScope) =>
  scope.scopeUserIds === null && rollupsApply(scope) ? wholeDays(scope) : null;

export function pipelineQuery(scope: QueryScope): Prisma.Sql {
  return pipelineFromRollups(scope) ? pipelineRollupSql(scope) : pipelineSql(scope);
}

export function wonQuery(scope: QueryScope): Prisma.Sql {
  const days = wonRollupDays(scope);
  return days ? wonRollupSql(days) : wonSql(scope);
}

// A rollup query runs as one statement (rollupQuery), a raw one with reportQuery's settings.
const queryPipeline = (o: ReportOptions) =>
  (pipelineFromRollups(o) ? rollupQuery : reportQuery)<PipelineRow>(o.prisma, pipelineQuery(o));
const queryWon = (o: ReportOptions) =>
  (wonRollupDays(o) ? rollupQuery : reportQuery)<WonRow>(o.prisma, wonQuery(o));

/**
 * Each user's target for the period. A target whose period only partly overlaps counts pro rata
 * (a yearly target in a quarterly report counts about a quarter of it).
 */
export async function targetsFor({
  prisma,
  scopeUserIds,
  from,
  to,
}: ReportOptions): Promise<Map<string, number>> {
  // Raw, not findMany: the whole company's targets as Prisma objects cost more than the rollups.
  const owners =
    scopeUserIds === null ? Prisma.empty : Prisma.sql`AND t."userId" = ANY(${[...scopeUserIds]}::uuid[])`;
  const rows = await prisma.$queryRaw<
    { userId: string; periodStart: Date; periodEnd: Date; amount: string }[]
  >`
    SELECT t."userId"::text AS "userId", t."periodStart", t."periodEnd", t."amount"::text AS "amount"
      FROM "SalesTarget" t
     WHERE t."periodStart" <= ${localDay(new Date(to.getTime() - 1))}::date
       AND t."periodEnd" >= ${localDay(from)}::date ${owners}`;
  const period: ReportPeriod = { from, to };
  const byUser = new Map<string, number>();
  for (const t of rows) {
    const target: ReportPeriod = {
      from: storedDateToLocalStart(t.periodStart),
      to: addDays(storedDateToLocalStart(t.periodEnd), 1),
    };
    const share = overlapMs(period, target) / (target.to.getTime() - target.from.getTime());
    if (share > 0) byUser.set(t.userId, (byUser.get(t.userId) ?? 0) + Number(t.amount) * share);
  }
  return byUser;
}

function line(
  userId: string | null,
  name: string | null,
  target: number,
  won: WonRow | undefined,
  p: PipelineRow | undefined,
): TForecastLine {
  const wonAmount = won?.amount ?? 0;
  const remainingTarget = Math.max(target - wonAmount, 0);
  const openWeighted = p?.openWeighted ?? 0;
  const commitWeighted = p?.commitWeighted ?? 0;
  return {
    userId,
    name,
    target: cents(target),
    won: { count: won?.count ?? 0, amount: cents(wonAmount) },
    remainingTarget: cents(remainingTarget),
    pipeline: { count: p?.openCount ?? 0, amount: cents(p?.openAmount ?? 0), weighted: cents(openWeighted) },
    commit: {
      count: p?.commitCount ?? 0,
      amount: cents(p?.commitAmount ?? 0),
      weighted: cents(commitWeighted),
    },
    bestCase: {
      count: (p?.openCount ?? 0) - (p?.commitCount ?? 0),
      amount: cents((p?.openAmount ?? 0) - (p?.commitAmount ?? 0)),
      weighted: cents(openWeighted - commitWeighted),
    },
    onHold: { count: p?.holdCount ?? 0, amount: cents(p?.holdAmount ?? 0) },
    coverage: remainingTarget > 0 ? Math.round((openWeighted * 100) / remainingTarget) / 100 : null,
  };
}

/** Adds up the numeric fields of per-owner rows into one row. */
function sumRows<K extends string>(
  rows: readonly Record<K, number | string>[],
  keys: readonly K[],
): Record<K, number> {
  const total = {} as Record<K, number>;
  for (const k of keys) total[k] = rows.reduce<number>((sum, row) => sum + Number(row[k]), 0);
  return total;
}

/** One line for a group of lines (a manager's whole team, say): sums, then remaining and coverage. */
export function combineForecastLines(
  userId: string | null,
  name: string | null,
  lines: readonly TForecastLine[],
): TForecastLine {
  const sum = (pick: (l: TForecastLine) => number) => lines.reduce((s, l) => s + pick(l), 0);
  return line(
    userId,
    name,
    sum((l) => l.target),
    { ownerId: '', count: sum((l) => l.won.count), amount: sum((l) => l.won.amount) },
    {
      ownerId: '',
      openCount: sum((l) => l.pipeline.count),
      openAmount: sum((l) => l.pipeline.amount),
      openWeighted: sum((l) => l.pipeline.weighted),
      commitCount: sum((l) => l.commit.count),
      commitAmount: sum((l) => l.commit.amount),
      commitWeighted: sum((l) => l.commit.weighted),
      holdCount: sum((l) => l.onHold.count),
      holdAmount: sum((l) => l.onHold.amount),
    },
  );
}

export async function buildForecast(options: ReportOptions): Promise<ForecastReport> {
  const ahead = namesAhead(options.prisma, options.scopeUserIds);
  const [pipeline, won, targets] = await Promise.all([
    queryPipeline(options),
    queryWon(options),
    targetsFor(options),
  ]);
  const pipelineBy = new Map(pipeline.map((r) => [r.ownerId, r]));
  const wonBy = new Map(won.map((r) => [r.ownerId, r]));
  const userIds = [...new Set([...pipelineBy.keys(), ...wonBy.keys(), ...targets.keys()])];
  const names = await (ahead ?? userNames(options.prisma, userIds));

  const byRep = userIds
    .map((id) => line(id, names.get(id) ?? null, targets.get(id) ?? 0, wonBy.get(id), pipelineBy.get(id)))
    .sort(
      (a, b) => (a.name ?? '').localeCompare(b.name ?? '') || (a.userId ?? '').localeCompare(b.userId ?? ''),
    );
  const totalTarget = [...targets.values()].reduce((s, v) => s + v, 0);
  const totalWon: WonRow = { ownerId: '', ...sumRows(won, ['count', 'amount']) };
  const totalPipeline: PipelineRow = {
    ownerId: '',
    ...sumRows(pipeline, [
      'openCount',
      'openAmount',
      'openWeighted',
      'commitCount',
      'commitAmount',
      'commitWeighted',
      'holdCount',
      'holdAmount',
    ]),
  };
  const totals = line(null, null, totalTarget, totalWon, totalPipeline);
  return {
    period: { from: options.from.toISOString(), to: options.to.toISOString() },
    commitFrom: COMMIT_FROM,
    totals,
    byRep,
  };
}
