// npm run bench:report-scale — how the company-wide reports grow with the read model: funnel,
// forecast, movement, bottlenecks and the dashboard's stalled list, p50 / p95 over BENCH_RUNS runs
// for the last 90 whole local days (what the dashboard asks for), over the rollups and over the
// raw queries, beside a bare baseline (SELECT 1 and a primary-key lookup) in the same run; and the
// projection's write cost (one milestone reached, one activity logged) with and without the
// rollup triggers.
//
// SIZES (default 10000,100000,1000000) picks the deal counts, 10 journal events per deal. Each
// size up to 100,000 is seeded by bench/seed-read-model.ts; a larger size clones the 100,000
// generated deals in SQL (clone k shifted k days back, so days stay as dense as a real year's),
// then rebuilds the rollups. Targets: p95 < 100 ms at 100,000 deals, < 300 ms at 1,000,000.
// BENCH_RUNS (default 20), BENCH_RAW_RUNS (default 5 above 100,000 deals, else BENCH_RUNS),
// BENCH_WRITES (default 200 projections per case).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { startPgCluster, type PgCluster } from '../scripts/lib/pg-cluster';
import type { OpportunitySnapshot } from '../src/contracts/activities';
import { migrate } from '../src/db/migrate';
import { createPrismaClient, type PrismaClient } from '../src/db/prisma';
import { projectOpportunity } from '../src/opportunities/project-opportunity';
import { buildForecast } from '../src/reports/build-forecast';
import { buildFunnel } from '../src/reports/build-funnel';
import { findBottlenecks } from '../src/reports/find-bottlenecks';
import { listStalledDeals } from '../src/reports/list-stalled-deals';
import { measureMovement } from '../src/reports/measure-movement';
import { addDays, localDay, localDayStart } from '../src/reports/report-period';
import { PSM_PROCESS } from '../workflows/psm-process';
import { percentile } from './report-timing';
import { seedReadModel } from './seed-read-model';

const SIZES = (process.env.SIZES ?? '10000,100000,1000000').split(',').map((s) => Number(s.trim()));
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WRITES = Number(process.env.BENCH_WRITES ?? 200);
/** The largest size seeded by the generator; larger ones are clones of it (BENCH_GENERATED_MAX, for a quick check). */
const GENERATED_MAX = Number(process.env.BENCH_GENERATED_MAX ?? 100_000);
const REPORTS = ['funnel', 'forecast', 'movement', 'bottlenecks', 'stalled'] as const;
type Report = (typeof REPORTS)[number];

interface Stats {
  p50: number;
  p95: number;
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function time(runs: number, fn: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < Math.min(3, runs); i += 1) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

function runReport(prisma: PrismaClient, report: Report, useRollups: boolean, asOf: Date): Promise<unknown> {
  const to = addDays(localDayStart(localDay(asOf)), 1);
  const options = { prisma, scopeUserIds: null, from: addDays(to, -90), to, useRollups };
  if (report === 'funnel') return buildFunnel(options);
  if (report === 'forecast') return buildForecast(options);
  if (report === 'movement') return measureMovement({ ...options, asOf });
  if (report === 'bottlenecks') return findBottlenecks(options);
  return listStalledDeals({ prisma, scopeUserIds: null, limit: 50, asOf });
}

/** The tables a clone copies, each with its columns and how a clone shifts them (`k`: clone number). */
const CLONED: { table: string; key: string; columns: Record<string, string | null> }[] = [
  {
    table: 'Opportunity',
    key: 'id',
    columns: {
      id: "o.id || '~' || k",
      name: null,
      account: null,
      amount: null,
      currency: null,
      ownerId: null,
      milestone: null,
      milestoneIndex: null,
      probability: null,
      status: null,
      expectedCloseDate: '(o."expectedCloseDate" - k)::date',
      stageEnteredAt: 'o."stageEnteredAt" - make_interval(days => k)',
      lastActivityAt: 'o."lastActivityAt" - make_interval(days => k)',
      escalationLevel: null,
      stalled: null,
      noSponsorWarning: null,
      lostReason: null,
      createdAt: 'o."createdAt" - make_interval(days => k)',
      closedAt: 'o."closedAt" - make_interval(days => k)',
      lastEventSeq: null,
      projectedAt: null,
    },
  },
  {
    table: 'OpportunityEvent',
    key: 'opportunityId',
    columns: {
      opportunityId: 'o."opportunityId" || \'~\' || k',
      seq: null,
      type: null,
      actorId: null,
      occurredAt: 'o."occurredAt" - make_interval(days => k)',
      payload: null,
    },
  },
  {
    table: 'MilestoneEvent',
    key: 'opportunityId',
    columns: {
      opportunityId: 'o."opportunityId" || \'~\' || k',
      milestoneIndex: null,
      milestone: null,
      ownerId: null,
      enteredAt: 'o."enteredAt" - make_interval(days => k)',
      leftAt: 'o."leftAt" - make_interval(days => k)',
      slaBreached: null,
      skipped: null,
      seq: null,
    },
  },
  {
    table: 'Approval',
    key: 'opportunityId',
    columns: {
      id: "o.id || '~' || k",
      opportunityId: 'o."opportunityId" || \'~\' || k',
      kind: null,
      milestone: null,
      amount: null,
      requestedById: null,
      approverId: null,
      status: null,
      reason: null,
      requestedAt: 'o."requestedAt" - make_interval(days => k)',
      decidedAt: 'o."decidedAt" - make_interval(days => k)',
      decidedById: null,
      comment: null,
    },
  },
  {
    table: 'SalesActivity',
    key: 'opportunityId',
    columns: {
      opportunityId: 'o."opportunityId" || \'~\' || k',
      seq: null,
      kind: null,
      occurredAt: 'o."occurredAt" - make_interval(days => k)',
      note: null,
      actorId: null,
    },
  },
  {
    table: 'EscalationSent',
    key: 'opportunityId',
    columns: {
      opportunityId: 'o."opportunityId" || \'~\' || k',
      key: null,
      kind: null,
      level: null,
      milestone: null,
      recipientIds: null,
      sentAt: 'o."sentAt" - make_interval(days => k)',
    },
  },
];

/** Clones per statement: progress shows between them, and one statement's work stays bounded. */
const CLONES_PER_STATEMENT = 3;

/**
 * Clones the generated deals (ids without '~') `times` times, clone k shifted k days back. The
 * originals are copied once into temporary tables, and each statement inserts several clones of a
 * table from them (generate_series): reading the originals out of the growing table itself, once
 * per clone, made each clone slower than the one before (session 7 never reached 1,000,000 deals).
 */
async function cloneDeals(url: string, from: number, times: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET synchronous_commit = off');
    // No triggers (the rollups are rebuilt afterwards) and no foreign-key checks on the copies.
    await client.query('SET session_replication_role = replica');
    for (const { table, key } of CLONED) {
      await client.query(
        `CREATE TEMP TABLE "orig_${table}" AS SELECT * FROM "${table}" WHERE "${key}" NOT LIKE '%~%'`,
      );
    }
    const started = Date.now();
    for (let k = from; k < from + times; k += CLONES_PER_STATEMENT) {
      const last = Math.min(k + CLONES_PER_STATEMENT, from + times) - 1;
      const chunk = Date.now();
      await client.query('BEGIN');
      for (const { table, columns } of CLONED) {
        const names = Object.keys(columns);
        const values = names.map((c) => columns[c] ?? `o."${c}"`);
        await client.query(
          `INSERT INTO "${table}" (${names.map((c) => `"${c}"`).join(', ')})
           SELECT ${values.join(', ')} FROM "orig_${table}" o CROSS JOIN generate_series(${k}, ${last}) AS k`,
        );
      }
      await client.query('COMMIT');
      const done = last - from + 1;
      console.log(
        `  clones ${k}-${last}: ${((Date.now() - chunk) / 1000).toFixed(1)} s [${'#'.repeat(Math.round((20 * done) / times)).padEnd(20)}] ${done}/${times}, ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    }
  } finally {
    await client.end();
  }
}

async function countDeals(prisma: PrismaClient): Promise<{ deals: number; events: number }> {
  const [r] = await prisma.$queryRaw<{ deals: number; events: number }[]>`
    SELECT (SELECT count(*) FROM "Opportunity")::int AS deals, (SELECT count(*) FROM "OpportunityEvent")::int AS events`;
  return r!;
}

/**
 * The projection's cost per command on `count` open deals: one milestone reached (moves a
 * milestone row, the heaviest rollup change) and one activity logged, each its own transaction.
 */
async function timeWrites(prisma: PrismaClient, offset: number, count: number) {
  const deals = await prisma.opportunity.findMany({
    where: { status: 'open', milestoneIndex: { lt: PSM_PROCESS.milestones.length - 2 } },
    orderBy: { id: 'asc' },
    skip: offset,
    take: count,
  });
  const snapshotOf = (o: (typeof deals)[number], seq: number): OpportunitySnapshot => ({
    id: o.id,
    name: o.name,
    account: o.account,
    amount: Number(o.amount),
    currency: o.currency,
    ownerId: o.ownerId,
    milestone: o.milestone,
    milestoneIndex: o.milestoneIndex,
    probability: o.probability,
    status: o.status,
    expectedCloseDate: o.expectedCloseDate?.toISOString().slice(0, 10) ?? null,
    stageEnteredAt: o.stageEnteredAt.toISOString(),
    lastActivityAt: o.lastActivityAt?.toISOString() ?? null,
    escalationLevel: o.escalationLevel,
    stalled: o.stalled,
    noSponsorWarning: o.noSponsorWarning,
    lostReason: o.lostReason,
    createdAt: o.createdAt.toISOString(),
    closedAt: o.closedAt?.toISOString() ?? null,
    seq,
  });
  const at = new Date().toISOString();
  const reach: number[] = [];
  const activity: number[] = [];
  for (const o of deals) {
    const next = o.milestoneIndex + 1;
    const m = PSM_PROCESS.milestones[next]!;
    let seq = o.lastEventSeq + 1;
    let started = performance.now();
    await projectOpportunity(prisma, {
      snapshot: {
        ...snapshotOf(o, seq),
        milestone: m.key,
        milestoneIndex: next,
        probability: m.winPct,
        stageEnteredAt: at,
        stalled: false,
      },
      events: [
        {
          seq,
          type: 'milestone_reached',
          actorId: o.ownerId,
          occurredAt: at,
          payload: { milestone: m.key, milestoneIndex: next, skipped: false },
        },
      ],
    });
    reach.push(performance.now() - started);
    seq += 1;
    started = performance.now();
    await projectOpportunity(prisma, {
      snapshot: {
        ...snapshotOf(o, seq),
        milestone: m.key,
        milestoneIndex: next,
        probability: m.winPct,
        stageEnteredAt: at,
        stalled: false,
        lastActivityAt: at,
      },
      events: [
        {
          seq,
          type: 'activity_logged',
          actorId: o.ownerId,
          occurredAt: at,
          payload: { kind: 'call', note: 'bench' },
        },
      ],
    });
    activity.push(performance.now() - started);
  }
  const stats = (ms: number[]) => {
    ms.sort((a, b) => a - b);
    return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
  };
  return { reach: stats(reach), activity: stats(activity) };
}

const TRIGGERS = [
  ['Opportunity', 'report_rollup_opportunity'],
  ['Opportunity', 'report_rollup_opportunity_change'],
  ['MilestoneEvent', 'report_rollup_milestone'],
  ['MilestoneEvent', 'report_rollup_milestone_change'],
  ['Approval', 'report_rollup_approval'],
  ['Approval', 'report_rollup_approval_change'],
  ['OpportunityEvent', 'report_rollup_event_insert'],
  ['OpportunityEvent', 'report_rollup_event_change'],
] as const;

async function setTriggers(prisma: PrismaClient, on: boolean): Promise<void> {
  for (const [table, name] of TRIGGERS) {
    await prisma.$executeRawUnsafe(`ALTER TABLE "${table}" ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${name}`);
  }
}

const f = (n: number) => n.toFixed(1).padStart(8);
const row = (label: string, s: Stats, target?: number) =>
  `${label.padEnd(44)} ${f(s.p50)} ${f(s.p95)}${target !== undefined && s.p95 >= target ? `   ← over ${target} ms` : ''}`;

async function measureSize(prisma: PrismaClient, deals: number, lines: string[]): Promise<void> {
  const counted = await countDeals(prisma);
  const target = deals >= 1_000_000 ? 300 : 100;
  const rawRuns = Number(process.env.BENCH_RAW_RUNS ?? (deals > GENERATED_MAX ? 5 : RUNS));
  const latest = await prisma.opportunityEvent.aggregate({ _max: { occurredAt: true } });
  const asOf = new Date((latest._max.occurredAt ?? new Date()).getTime() + 60_000);
  const anyId = (await prisma.opportunity.findFirstOrThrow({ select: { id: true } })).id;
  lines.push(
    `\n### ${counted.deals.toLocaleString('en')} deals, ${counted.events.toLocaleString('en')} events (load ${load()})`,
    `${'company-wide, last 90 local days'.padEnd(44)}   p50 ms   p95 ms`,
  );
  lines.push(row('baseline: SELECT 1', await time(RUNS, () => prisma.$queryRaw`SELECT 1`)));
  lines.push(
    row(
      'baseline: deal by primary key',
      await time(RUNS, () => prisma.opportunity.findUnique({ where: { id: anyId } })),
    ),
  );
  for (const report of REPORTS) {
    lines.push(
      row(`${report} (rollups)`, await time(RUNS, () => runReport(prisma, report, true, asOf)), target),
    );
  }
  lines.push(
    row(
      'all five at once (rollups)',
      await time(RUNS, () => Promise.all(REPORTS.map((r) => runReport(prisma, r, true, asOf)))),
      target * 3,
    ),
  );
  for (const report of REPORTS.slice(0, 4)) {
    lines.push(
      row(
        `${report} (raw queries, ${rawRuns} runs)`,
        await time(rawRuns, () => runReport(prisma, report, false, asOf)),
      ),
    );
  }
  console.log(lines.slice(-14).join('\n'));
}

async function measureWrites(prisma: PrismaClient, lines: string[]): Promise<void> {
  const on = await timeWrites(prisma, 0, WRITES);
  await setTriggers(prisma, false);
  const off = await timeWrites(prisma, WRITES, WRITES);
  await setTriggers(prisma, true);
  // The writes without triggers left the rollups behind: rebuild before any further timing.
  await prisma.$executeRaw`SELECT report_rollup_rebuild()`;
  lines.push(
    `projection write cost, ${WRITES} deals per case (load ${load()})`.padEnd(44) + '   p50 ms   p95 ms',
    row('milestone reached, rollup triggers on', on.reach),
    row('milestone reached, triggers off', off.reach),
    row('activity logged, rollup triggers on', on.activity),
    row('activity logged, triggers off', off.activity),
  );
  console.log(lines.slice(-5).join('\n'));
}

async function main(): Promise<void> {
  console.log(`bench:report-scale on ${os.cpus().length} cores, sizes ${SIZES.join(', ')}, load ${load()}`);
  const lines: string[] = [];
  const small = SIZES.filter((s) => s <= GENERATED_MAX);
  const large = SIZES.filter((s) => s > GENERATED_MAX).sort((a, b) => a - b);
  const run = async (deals: number, grow: number[]) => {
    let cluster: PgCluster | undefined = await startPgCluster();
    const prisma = createPrismaClient(cluster.url, { maxConnections: 10 });
    try {
      await migrate(cluster.url);
      const seeded = await seedReadModel({ databaseUrl: cluster.url, deals, events: deals * 10 });
      console.log(
        `seeded ${deals} deals in ${seeded.seconds.toFixed(1)} s (rollups rebuilt in ${seeded.rollupSeconds.toFixed(1)} s)`,
      );
      await measureSize(prisma, deals, lines);
      if (deals === Math.max(...small)) await measureWrites(prisma, lines);
      let clones = 1;
      for (const size of grow) {
        const times = Math.round(size / deals) - clones;
        console.log(`cloning to ${size} deals (${times} clones)`);
        await cloneDeals(cluster.url, clones, times);
        clones += times;
        const started = Date.now();
        await prisma.$executeRaw`SELECT report_rollup_rebuild()`;
        await prisma.$executeRawUnsafe('VACUUM ANALYZE');
        lines.push(`\n(rollups rebuilt and vacuumed in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
        await measureSize(prisma, size, lines);
      }
    } finally {
      await prisma.$disconnect();
      cluster?.stop();
      cluster = undefined;
    }
  };
  for (const deals of small) await run(deals, deals === GENERATED_MAX ? large : []);
  if (large.length && !small.includes(GENERATED_MAX)) await run(GENERATED_MAX, large);
  console.log(`\n## bench:report-scale (SIZES=${SIZES.join(',')}, BENCH_RUNS=${RUNS})\n${lines.join('\n')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
