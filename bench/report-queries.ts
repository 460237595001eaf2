// Every SQL query each report runs, by name, built exactly as the report builds it (the rollup
// queries for the whole company over whole local days, the raw ones otherwise): the bench times
// them one by one and prints the EXPLAIN (ANALYZE, BUFFERS) of the slowest.
import type { Prisma } from '../src/db/prisma';
import { pipelineQuery, wonQuery } from '../src/reports/build-forecast';
import { movementQueries } from '../src/reports/measure-movement';
import { conversionsQuery } from '../src/reports/query-conversions';
import type { QueryScope } from '../src/reports/report-scope';

export type ReportName = 'funnel' | 'forecast' | 'movement' | 'bottlenecks';

export function reportQueries(report: ReportName, scope: QueryScope, asOf: Date): Record<string, Prisma.Sql> {
  switch (report) {
    case 'funnel':
      return { conversions: conversionsQuery(scope, { perOwner: false }) };
    case 'bottlenecks':
      return { conversionsPerOwner: conversionsQuery(scope, { perOwner: true }) };
    case 'forecast':
      return { pipeline: pipelineQuery(scope), won: wonQuery(scope) };
    case 'movement':
      return movementQueries(scope, asOf);
  }
}
