// Compares every company-wide report over the rollups with the raw queries on a database
// (BENCH_DATABASE_URL) for a few whole-day periods. A quick check for the bench's seeded data.
import { createPrismaClient } from '../src/db/prisma';
import { buildForecast } from '../src/reports/build-forecast';
import { buildFunnel } from '../src/reports/build-funnel';
import { findBottlenecks } from '../src/reports/find-bottlenecks';
import { measureMovement } from '../src/reports/measure-movement';
import { addDays, localDay, localDayStart } from '../src/reports/report-period';

async function main(): Promise<void> {
  const prisma = createPrismaClient(process.env.BENCH_DATABASE_URL!, { maxConnections: 4 });
  const today = localDayStart(localDay(new Date()));
  const asOf = new Date();
  let bad = 0;
  for (const [back, len] of [
    [90, 91],
    [30, 31],
    [200, 90],
    [400, 500],
    [1, 1],
  ] as const) {
    const from = addDays(today, -back);
    const to = addDays(from, len);
    for (const useRollups of [true, false]) void useRollups;
    const run = async (useRollups: boolean) => {
      const o = { prisma, scopeUserIds: null, from, to, useRollups };
      const b = await findBottlenecks(o);
      return {
        funnel: await buildFunnel(o),
        forecast: await buildForecast(o),
        movement: await measureMovement({ ...o, asOf }),
        bottlenecks: { ...b, team: b.team },
      };
    };
    const [r, raw] = [await run(true), await run(false)];
    for (const k of Object.keys(r) as (keyof typeof r)[]) {
      const a = JSON.stringify(r[k]);
      const z = JSON.stringify(raw[k]);
      if (a !== z) {
        bad += 1;
        console.log(`DIFF ${k} ${from.toISOString()} +${len}d`);
        const ja = JSON.parse(a) as Record<string, unknown>;
        const jz = JSON.parse(z) as Record<string, unknown>;
        for (const f of Object.keys(jz))
          if (JSON.stringify(ja[f]) !== JSON.stringify(jz[f]))
            console.log(
              `  ${f}:\n    rollup ${JSON.stringify(ja[f]).slice(0, 600)}\n    raw    ${JSON.stringify(jz[f]).slice(0, 600)}`,
            );
      } else console.log(`same ${k} ${from.toISOString()} +${len}d`);
    }
  }
  await prisma.$disconnect();
  process.exit(bad ? 1 : 0);
}
void main();
