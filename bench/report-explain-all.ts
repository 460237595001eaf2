// Development aid: EXPLAIN (ANALYZE, BUFFERS) of every report query for one scope, against an
// already seeded database. BENCH_DATABASE_URL=... BENCH_SCOPE=team|line|company npx tsx bench/report-explain-all.ts
// The period is the last 90 whole local days, as the dashboard asks (company-wide that is what the
// rollups serve; a period cut inside a day would EXPLAIN the raw queries instead). BENCH_RAW=1
// explains the raw queries for the same period.
import { performance } from 'node:perf_hooks';
import { Prisma, createPrismaClient } from '../src/db/prisma';
import { addDays, localDay, localDayStart } from '../src/reports/report-period';
import { reportQuery } from '../src/reports/report-scope';
import { resolveReportScope } from '../src/reports/resolve-report-scope';
import { reportQueries } from './report-queries';
import { REPORTS } from './report-timing';

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('set BENCH_DATABASE_URL to a seeded database');
  const prisma = createPrismaClient(url);
  const scopeName = process.env.BENCH_SCOPE ?? 'company';
  const role = scopeName === 'team' ? 'manager' : scopeName === 'line' ? 'director' : 'admin';
  const user = await prisma.user.findFirstOrThrow({ where: { role }, orderBy: { name: 'asc' } });
  const scope = await resolveReportScope({ prisma, caller: { id: user.id, role } });
  const latest = await prisma.opportunityEvent.aggregate({ _max: { occurredAt: true } });
  const asOf = new Date(latest._max.occurredAt!.getTime() + 60_000);
  const to = addDays(localDayStart(localDay(asOf)), 1);
  const period = { from: addDays(to, -90), to, useRollups: process.env.BENCH_RAW !== '1' };
  for (const report of REPORTS) {
    for (const [name, sql] of Object.entries(
      reportQueries(report, { scopeUserIds: scope.scopeUserIds, ...period }, asOf),
    )) {
      const started = performance.now();
      await reportQuery(prisma, sql);
      const ms = performance.now() - started;
      const plan = await reportQuery<{ 'QUERY PLAN': string }>(
        prisma,
        Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
      );
      console.log(
        `\n===== ${report}.${name} (${scopeName}) ${ms.toFixed(1)} ms\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`,
      );
    }
  }
  await prisma.$disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
