// npm run bench:hot-path-sql — what a statement on the API's command path costs in the app
// process through Prisma (7, the pg driver adapter) and through the pg pool under it, side by side
// in one run against the same throwaway PostgreSQL, beside a bare `SELECT 1` on the same pool.
// The statements are the command path's own: the projection mark (INSERT into ProjectionPending)
// and its deletion. Prints the wall time and this process's CPU per statement, sequentially (one
// client: latency) and 20 at once (throughput). BENCH_STATEMENTS (2000 per case).
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { startPgCluster } from '../scripts/lib/pg-cluster';
import { migrate } from '../src/db/migrate';
import { PrismaClient } from '../src/generated/prisma/client';
import { timeOps, timingRow } from './lib/op-timing';

const N = Number(process.env.BENCH_STATEMENTS ?? 2000);

async function main(): Promise<void> {
  const cluster = await startPgCluster();
  const pool = new Pool({ connectionString: cluster.url, max: 10 });
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: cluster.url, max: 10 }) });
  try {
    await migrate(cluster.url);
    const cases: [string, () => Promise<unknown>][] = [
      ['pg: SELECT 1 (baseline)', () => pool.query('SELECT 1')],
      [
        'pg: mark INSERT + DELETE',
        async () => {
          const token = randomUUID();
          await pool.query(
            `INSERT INTO "ProjectionPending" (token, "opportunityId", kind) VALUES ($1::uuid, $2, $3)`,
            [token, 'opp-bench', 'command'],
          );
          await pool.query(`DELETE FROM "ProjectionPending" WHERE token = $1::uuid`, [token]);
        },
      ],
      ['prisma: SELECT 1', () => prisma.$queryRaw`SELECT 1`],
      [
        'prisma: mark INSERT + DELETE',
        async () => {
          const token = randomUUID();
          await prisma.$executeRaw`INSERT INTO "ProjectionPending" (token, "opportunityId", kind) VALUES (${token}::uuid, ${'opp-bench'}, ${'command'})`;
          await prisma.$executeRaw`DELETE FROM "ProjectionPending" WHERE token = ${token}::uuid`;
        },
      ],
    ];
    for (const [, fn] of cases) for (let i = 0; i < 200; i++) await fn();
    console.log(
      `hot-path statements, ${N} per case, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`,
    );
    console.log('case                              | clients | ms/op wall | app CPU ms/op');
    for (const clients of [1, 20]) {
      for (const [name, fn] of cases) {
        console.log(timingRow(name, clients, await timeOps(fn, N, clients)));
      }
    }
  } finally {
    await prisma.$disconnect();
    await pool.end();
    cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
