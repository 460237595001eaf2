// Every SQL query each report runs, by name, built exactly as the report builds it: the bench
// times them one by one and prints the EXPLAIN (ANALYZE, BUFFERS) of the slowest.
import type { Prisma } from '../src/db/prisma';
import { pipelineSql, wonSql } from '../src/reports/build-forecast';
import {
  approvalsDecidedSql,
  approvalsPendingSql,
  milestoneStatsSql,
  movementCountsSql,
  openStagesSql,
} from '../src/reports/movement-queries';
import { conversionsSql } from '../src/reports/query-conversions';
import type { QueryScope } from '../src/reports/report-scope';

export type ReportName = 'funnel' | 'forecast' | 'movement' | 'bottlenecks';

export function reportQueries(report: ReportName, scope: QueryScope, asOf: Date): Record<string, Prisma.Sql> {
  switch (report) {
    case 'funnel':
      return { conversions: conversionsSql(scope, { perOwner: false }) };
    case 'bottlenecks':
      return { conversionsPerOwner: conversionsSql(scope, { perOwner: true }) };
    case 'forecast':
      return { pipeline: pipelineSql(scope), won: wonSql(scope) };
    case 'movement':
      return {
        movementCounts: movementCountsSql(scope),
        openStages: openStagesSql(scope, asOf),
        milestoneStats: milestoneStatsSql(scope),
        approvalsDecided: approvalsDecidedSql(scope),
        approvalsPending: approvalsPendingSql(scope, asOf),
      };
  }
}
