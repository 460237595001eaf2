// npm run bench:clock-check — what a deal's wake-up clock check (the checkClocks local activity:
// which clocks are due, the read model's seq, the owner's reporting line) costs against a throwaway
// PostgreSQL, beside the bare minimum it must read (the one read-model row) and a bare `SELECT 1`,
// in one run. The check's time is part of every deal timer's lateness (bench:timers), since the
// timer's task completes only when the check has answered. Prints wall and this process's CPU per
// check, one at a time (latency) and 20 at once (a burst of due clocks). BENCH_CHECKS (2000).
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { startPgCluster } from '../scripts/lib/pg-cluster';
import { migrate } from '../src/db/migrate';
import { createPrismaClient } from '../src/db/prisma';
import { createClockActivities } from '../activities/clocks';
import type { ClockFacts } from '../src/contracts/activities';
import { timeOps, timingRow } from './lib/op-timing';

const N = Number(process.env.BENCH_CHECKS ?? 2000);
const REPS = 200;

async function main(): Promise<void> {
  const cluster = await startPgCluster();
  // The product's own client (its pool and timeouts), as the worker's clock check uses it.
  const prisma = createPrismaClient(cluster.url, { maxConnections: 10 });
  try {
    await migrate(cluster.url);
    // A directory like a sales organisation's: an admin, a director, managers, reps under them.
    const user = (role: 'admin' | 'director' | 'manager' | 'rep', managerId: string | null) => ({
      id: randomUUID(),
      name: `${role} ${randomUUID().slice(0, 8)}`,
      email: `${randomUUID()}@bench.invalid`,
      role,
      managerId,
    });
    const admin = user('admin', null);
    const director = user('director', null);
    const managers = Array.from({ length: 10 }, () => user('manager', director.id));
    const reps = Array.from({ length: REPS }, (_, i) => user('rep', managers[i % managers.length]!.id));
    for (const batch of [[admin, director], managers, reps]) await prisma.user.createMany({ data: batch });
    await prisma.opportunity.createMany({
      data: reps.map((rep, i) => ({
        id: `opp-check-${i}`,
        name: `Deal ${i}`,
        account: `Account ${i}`,
        amount: 100_000,
        ownerId: rep.id,
        milestone: 'deep_engagement',
        milestoneIndex: 1,
        probability: 10,
        status: 'open' as const,
        stageEnteredAt: new Date(),
        createdAt: new Date(),
        lastEventSeq: 12,
      })),
    });
    const now = new Date().toISOString();
    const facts: ClockFacts = {
      status: 'open',
      reachedIndex: 1,
      stageVisit: 1,
      followUp: { anchor: now, sent: 0 },
      stall: { anchor: now, level: 0 },
      approvals: [],
      contractWindow: null,
    };
    const { checkClocks } = createClockActivities({ prisma });
    let i = 0;
    const pick = () => i++ % REPS;
    const cases: [string, () => Promise<unknown>][] = [
      ['SELECT 1 (baseline)', () => prisma.$queryRaw`SELECT 1`],
      [
        'read-model seq only (baseline)',
        () =>
          prisma.opportunity.findUnique({
            where: { id: `opp-check-${pick()}` },
            select: { lastEventSeq: true },
          }),
      ],
      [
        'checkClocks',
        () => {
          const k = pick();
          return checkClocks({ opportunityId: `opp-check-${k}`, ownerId: reps[k]!.id, now, facts });
        },
      ],
    ];
    for (const [, fn] of cases) for (let w = 0; w < 200; w++) await fn();
    console.log(
      `clock checks, ${N} per case, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`,
    );
    console.log('case                              | clients | ms/op wall | app CPU ms/op');
    for (const clients of [1, 20])
      for (const [name, fn] of cases) console.log(timingRow(name, clients, await timeOps(fn, N, clients)));
  } finally {
    await prisma.$disconnect();
    cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
