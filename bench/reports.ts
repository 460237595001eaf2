// npm run bench:reports — seeds a throwaway PostgreSQL with 100,000 opportunities and 1,000,000
// journal events (plus their milestone, approval, activity and escalation rows), then times every
// report for one manager's team, one director's line and the whole company over the last 90 local days
// (p50 / p95 of BENCH_RUNS runs; target p95 < 300 ms), and prints the EXPLAIN of the slowest query.
//
// BENCH_DEALS, BENCH_EVENTS, BENCH_RUNS change the sizes; BENCH_DATABASE_URL reuses an already
// seeded database (migrations still applied); BENCH_KEEP=1 leaves the cluster running to explore.
import os from 'node:os';
import { startPgCluster, type PgCluster } from '../scripts/lib/pg-cluster';
import { migrate } from '../src/db/migrate';
import { createPrismaClient } from '../src/db/prisma';
import { addDays, localDay, localDayStart } from '../src/reports/report-period';
import { seedReadModel } from './seed-read-model';
import { explainSlowestQuery, timeReports, type TimingCase } from './report-timing';

const DEALS = Number(process.env.BENCH_DEALS ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TARGET_P95_MS = 300;

async function main(): Promise<void> {
  let cluster: PgCluster | undefined;
  let url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    cluster = await startPgCluster();
    url = cluster.url;
  }
  const prisma = createPrismaClient(url, { maxConnections: 10 });
  try {
    const applied = await migrate(url);
    console.log(`migrations applied: ${applied.length ? applied.join(', ') : 'none (already up to date)'}`);
    if (!process.env.BENCH_DATABASE_URL) {
      const seeded = await seedReadModel({ databaseUrl: url, deals: DEALS, events: EVENTS });
      console.log(`seeded in ${seeded.seconds.toFixed(1)} s:`, seeded.rows);
    }
    const [admin, director, manager] = await Promise.all([
      prisma.user.findFirstOrThrow({ where: { role: 'admin' } }),
      prisma.user.findFirstOrThrow({ where: { role: 'director' }, orderBy: { name: 'asc' } }),
      prisma.user.findFirstOrThrow({ where: { role: 'manager' }, orderBy: { name: 'asc' } }),
    ]);
    const latest = await prisma.opportunityEvent.aggregate({ _max: { occurredAt: true } });
    const asOf = new Date((latest._max.occurredAt ?? new Date()).getTime() + 60_000);
    // The last 90 whole local days, as the dashboard asks (date-only bounds): company-wide, the
    // reports read the rollups; a team or a line runs the raw queries.
    const to = addDays(localDayStart(localDay(asOf)), 1);
    const period = { from: addDays(to, -90), to };
    const cases: TimingCase[] = [
      { label: `team (${manager.name})`, caller: { id: manager.id, role: 'manager' } },
      { label: `line (${director.name})`, caller: { id: director.id, role: 'director' } },
      { label: 'company (admin)', caller: { id: admin.id, role: 'admin' } },
    ];
    console.log(
      `\ntiming ${RUNS} runs per report, period ${period.from.toISOString()} → ${period.to.toISOString()}`,
    );
    // Other work on this 2-core machine skews the figures: say how busy it was.
    const load = () =>
      os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    console.log(`load average before: ${load()}`);
    const timings = await timeReports(prisma, cases, period, asOf, RUNS);
    console.log(`load average after:  ${load()}`);
    console.log('\nreport       scope                         p50 ms   p95 ms   max ms');
    for (const t of timings) {
      const flag = t.p95 < TARGET_P95_MS ? '' : `  ← over ${TARGET_P95_MS} ms`;
      console.log(
        `${t.report.padEnd(12)} ${t.label.padEnd(28)} ${t.p50.toFixed(1).padStart(7)}  ${t.p95.toFixed(1).padStart(7)}  ${t.max.toFixed(1).padStart(7)}${flag}`,
      );
    }
    const slowest = timings.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    const explained = await explainSlowestQuery(prisma, slowest, period, asOf);
    console.log(
      `\nslowest: ${slowest.report} for ${slowest.label} (p95 ${slowest.p95.toFixed(1)} ms); its slowest query "${explained.name}" (median ${explained.medianMs.toFixed(1)} ms):\n`,
    );
    console.log(explained.plan);
    const over = timings.filter((t) => t.p95 >= TARGET_P95_MS);
    console.log(
      over.length
        ? `\n${over.length} report(s) over the ${TARGET_P95_MS} ms p95 target`
        : `\nall reports under the ${TARGET_P95_MS} ms p95 target`,
    );
    if (process.env.BENCH_KEEP === '1' && cluster) {
      console.log(`\nBENCH_KEEP=1: cluster left running at ${cluster.url} (data in ${cluster.dir})`);
      cluster = undefined;
    }
  } finally {
    await prisma.$disconnect();
    cluster?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
