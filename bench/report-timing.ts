// Times each report as the API runs it (scope resolution included), and explains the slowest query.
import { performance } from 'node:perf_hooks';
import { Prisma, type PrismaClient } from '../src/db/prisma';
import type { Actor } from '../src/auth/reporting-line';
import { buildForecast } from '../src/reports/build-forecast';
import { buildFunnel } from '../src/reports/build-funnel';
import { findBottlenecks } from '../src/reports/find-bottlenecks';
import { measureMovement } from '../src/reports/measure-movement';
import { reportQuery } from '../src/reports/report-scope';
import { resolveReportScope } from '../src/reports/resolve-report-scope';
import type { ReportPeriod } from '../src/reports/report-period';
import { reportQueries, type ReportName } from './report-queries';

export const REPORTS: ReportName[] = ['funnel', 'forecast', 'movement', 'bottlenecks'];

export interface TimingCase {
  label: string;
  caller: Actor;
  team?: string;
}

export interface Timing {
  report: ReportName;
  label: string;
  caller: Actor;
  team: string | undefined;
  p50: number;
  p95: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

async function runReport(
  prisma: PrismaClient,
  report: ReportName,
  c: TimingCase,
  period: ReportPeriod,
  asOf: Date,
): Promise<void> {
  const scope = await resolveReportScope({ prisma, caller: c.caller, team: c.team });
  const options = { prisma, scopeUserIds: scope.scopeUserIds, ...period };
  if (report === 'funnel') await buildFunnel(options);
  else if (report === 'forecast') await buildForecast(options);
  else if (report === 'movement') await measureMovement({ ...options, asOf });
  else await findBottlenecks({ ...options, scopeUserIds: scope.teamUserIds });
}

export async function timeReports(
  prisma: PrismaClient,
  cases: TimingCase[],
  period: ReportPeriod,
  asOf: Date,
  runs: number,
): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (const c of cases) {
    for (const report of REPORTS) {
      for (let i = 0; i < 3; i += 1) await runReport(prisma, report, c, period, asOf); // warm caches and plans
      const ms: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const started = performance.now();
        await runReport(prisma, report, c, period, asOf);
        ms.push(performance.now() - started);
      }
      ms.sort((a, b) => a - b);
      timings.push({
        report,
        label: c.label,
        caller: c.caller,
        team: c.team,
        p50: percentile(ms, 50),
        p95: percentile(ms, 95),
        max: ms[ms.length - 1]!,
      });
    }
  }
  return timings;
}

/** The slowest of a report's queries (median of 5), and its EXPLAIN (ANALYZE, BUFFERS). */
export async function explainSlowestQuery(
  prisma: PrismaClient,
  slowest: Timing,
  period: ReportPeriod,
  asOf: Date,
): Promise<{ name: string; medianMs: number; plan: string }> {
  const scope = await resolveReportScope({ prisma, caller: slowest.caller, team: slowest.team });
  const scopeUserIds = slowest.report === 'bottlenecks' ? scope.teamUserIds : scope.scopeUserIds;
  const queries = reportQueries(slowest.report, { scopeUserIds, ...period }, asOf);
  let worst = { name: '', medianMs: -1, sql: Prisma.empty };
  for (const [name, sql] of Object.entries(queries)) {
    const ms: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      await reportQuery(prisma, sql);
      ms.push(performance.now() - started);
    }
    const median = ms.sort((a, b) => a - b)[2]!;
    if (median > worst.medianMs) worst = { name, medianMs: median, sql };
  }
  const rows = await reportQuery<{ 'QUERY PLAN': string }>(
    prisma,
    Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${worst.sql}`,
  );
  return { name: worst.name, medianMs: worst.medianMs, plan: rows.map((r) => r['QUERY PLAN']).join('\n') };
}
