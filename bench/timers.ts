// npm run bench:timers — timer lateness with many open deals on one worker (issue 16).
//
// Method: the real stack (throwaway PostgreSQL, Temporal dev server), one worker in this process
// with the real activities. A process "day" lasts BENCH_DAY_SECONDS (default 30) seconds: every
// day count of the process definition is scaled, in the workflow bundle by a webpack loader on
// workflows/psm-process.ts (the override path the replay test uses) and in this process's copy
// that the checkClocks local activity reads (bench/lib/scale-process-days.js, the same function
// in both). BENCH_DEALS deals (default 10,000) are started with the bare Temporal client; each
// has its first follow-up due 7 days after it was created and its stall escalation (to the
// manager) 14 days after. Right after each deal, a bare sleeper is started that only sleeps to the
// same two due times (taken from the deal's created event in the read model). Lateness = fire time -
// due time, both in workflow time: for the escalation, the journalled sla_breached event (the
// clock firing); for the follow-up, the journalled escalation_sent of kind follow_up (the clock
// firing plus its email activity, since a follow-up journals nothing before its email went out);
// for the sleeper, the workflow's clock when it woke.
// Memory: worker RSS and V8 heap before and after the deals are cached, per cached deal.
// BENCH_MAX_CACHED (default: everything fits) smaller than the open workflows shows the cache
// evicting: the SDK's sticky-cache counters are read from its Prometheus endpoint.
import { DAY_SECONDS, DAY_FACTOR, SCALED_THRESHOLDS } from './lib/scale-process-env';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { PSM_PROCESS } from '../workflows/psm-process';
import type { OpportunityStartInput } from '../workflows/opportunity-types';
import { percentile, startBenchStack } from './lib/stack';
import { freePort } from '../scripts/lib/pg-cluster';
import { benchActivities } from './lib/bench-activities';

const DEALS = Number(process.env.BENCH_DEALS ?? 10_000);
const MAX_CACHED = process.env.BENCH_MAX_CACHED ? Number(process.env.BENCH_MAX_CACHED) : 2 * DEALS + 500;
const START_CONCURRENCY = 25;

const first = PSM_PROCESS.milestones[0]!;
const FOLLOW_UP_MS = first.followUpCadenceDays! * 86_400_000;
const STALL_MS = first.stallSlaDays! * 86_400_000;

async function inBatches<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const stats = (name: string, s: number[]) => {
  s.sort((a, b) => a - b);
  return `${name.padEnd(44)} n ${String(s.length).padStart(6)}  p50 ${percentile(s, 50).toFixed(0).padStart(6)}  p95 ${percentile(s, 95).toFixed(0).padStart(6)}  p99 ${percentile(s, 99).toFixed(0).padStart(6)}  max ${(s[s.length - 1] ?? NaN).toFixed(0).padStart(6)} ms`;
};

async function stickyCacheMetrics(port: number): Promise<string[]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => /sticky_cache/.test(l) && !l.startsWith('#'))
    .map((l) => l.replace(/\{[^}]*\}/, ''));
}

async function main(): Promise<void> {
  const metricsPort = await freePort();
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } },
  });
  const stack = await startBenchStack({ withApp: false });
  try {
    const prisma = stack.prisma;
    const director = await prisma.user.create({
      data: { name: 'D', email: 'd@bench.psm', role: 'director' },
    });
    const manager = await prisma.user.create({
      data: { name: 'M', email: 'm@bench.psm', role: 'manager', managerId: director.id },
    });
    const rep = await prisma.user.create({
      data: { name: 'R', email: 'r@bench.psm', role: 'rep', managerId: manager.id },
    });
    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    const taskQueue = `bench-timers-${randomBytes(3).toString('hex')}`;
    const activities = benchActivities(prisma);
    const worker = await Worker.create({
      connection,
      taskQueue,
      activities,
      workflowsPath: path.join(__dirname, 'workflows/timers.ts'),
      maxCachedWorkflows: MAX_CACHED,
      bundlerOptions: {
        webpackConfigHook: (config) => {
          config.module?.rules?.push({
            test: /psm-process\.ts$/,
            enforce: 'pre',
            use: [
              { loader: path.join(__dirname, 'lib/scale-process-days.js'), options: { factor: DAY_FACTOR } },
            ],
          });
          return config;
        },
      },
    });
    console.log(
      `timers: ${DEALS} open deals, 1 process day = ${DAY_SECONDS} s (${SCALED_THRESHOLDS} day counts scaled): ` +
        `follow-up due ${(FOLLOW_UP_MS / 1000).toFixed(0)} s and stall escalation ${(STALL_MS / 1000).toFixed(0)} s after a deal is created; ` +
        `worker cache ${MAX_CACHED} workflows; 2-core machine, everything on loopback`,
    );
    await worker.runUntil(async () => {
      const client = stack.client;
      global.gc?.();
      const before = process.memoryUsage();
      const ids = Array.from({ length: DEALS }, (_, i) => `opp-${taskQueue}-${i}`);
      const t0 = Date.now();
      // Each deal, then (once its created event is in the read model) its bare sleeper, to the
      // same two due times: a deal's clocks run from its created time.
      const dues = new Map<string, [number, number]>();
      const sleepers: Promise<number[]>[] = [];
      await inBatches(ids, START_CONCURRENCY, async (id) => {
        const input: OpportunityStartInput = {
          id,
          name: `Timer deal ${id.slice(-6)}`,
          account: 'Bench Co',
          amount: 1000,
          currency: 'CNY',
          ownerId: rep.id,
          expectedCloseDate: null,
          createdBy: { userId: rep.id, role: 'rep' },
        };
        await client.workflow.start('opportunity', { taskQueue, workflowId: id, args: [input] });
        let created: { occurredAt: Date } | null = null;
        while (!created) {
          created = await prisma.opportunityEvent.findUnique({
            where: { opportunityId_seq: { opportunityId: id, seq: 1 } },
            select: { occurredAt: true },
          });
          if (!created) await new Promise((r) => setTimeout(r, 100));
        }
        const at = created.occurredAt.getTime();
        const due: [number, number] = [at + FOLLOW_UP_MS, at + STALL_MS];
        dues.set(id, due);
        const handle = await client.workflow.start('bareSleeper', {
          taskQueue,
          workflowId: `sleep-${id}`,
          args: [due],
        });
        sleepers.push(handle.result() as Promise<number[]>);
      });
      const startedIn = Date.now() - t0;
      global.gc?.();
      const after = process.memoryUsage();
      const cached = worker.getStatus().numCachedWorkflows;
      // The sleepers are cached too: per workflow the deals' share is what counts (an upper bound).
      console.log(
        `started ${DEALS} deals and their sleepers in ${(startedIn / 1000).toFixed(0)} s (${((DEALS * 1000) / startedIn).toFixed(1)} deals/s); ` +
          `${cached} workflows cached; worker RSS ${mib(before.rss)} -> ${mib(after.rss)} MiB, heap ${mib(before.heapUsed)} -> ${mib(after.heapUsed)} MiB: ` +
          `${((after.rss - before.rss) / Math.min(cached, DEALS) / 1024).toFixed(0)} KiB RSS and ` +
          `${((after.heapUsed - before.heapUsed) / Math.min(cached, DEALS) / 1024).toFixed(0)} KiB heap per cached deal (its sleeper included)`,
      );
      const firstDue = Math.min(...[...dues.values()].map((d) => d[0]));
      if (Date.now() > firstDue) {
        console.log(
          `note: starting took longer than the follow-up delay, so the first clocks fired while deals were still starting (BENCH_DAY_SECONDS=${DAY_SECONDS})`,
        );
      }
      const lastDue = Math.max(...[...dues.values()].map((d) => d[1]!));
      console.log(
        `sleepers started; the last clock is due in ${((lastDue - Date.now()) / 1000).toFixed(0)} s`,
      );

      // Wait for every deal's escalation and follow-up email, and every sleeper.
      const fired = async () =>
        prisma.opportunityEvent.findMany({
          where: {
            opportunityId: { in: ids },
            OR: [{ type: 'sla_breached' }, { type: 'escalation_sent' }],
          },
          select: { opportunityId: true, type: true, occurredAt: true, payload: true },
          orderBy: { seq: 'asc' },
        });
      let events: Awaited<ReturnType<typeof fired>> = [];
      const deadline = lastDue + 10 * 60_000;
      for (;;) {
        await new Promise((r) => setTimeout(r, 2_000));
        if (Date.now() < lastDue) continue;
        events = await fired();
        const breached = events.filter((e) => e.type === 'sla_breached').length;
        const followUps = events.filter(
          (e) => e.type === 'escalation_sent' && (e.payload as { kind?: string }).kind === 'follow_up',
        ).length;
        if ((breached >= DEALS && followUps >= DEALS) || Date.now() > deadline) break;
      }
      const sleeperLate = await Promise.all(sleepers);

      const late = { followUp: [] as number[], escalation: [] as number[], escalationSent: [] as number[] };
      const seen = new Set<string>();
      for (const e of events) {
        const [followUpDue, stallDue] = dues.get(e.opportunityId)!;
        const kind = (e.payload as { kind?: string }).kind;
        const key = `${e.opportunityId}:${e.type}:${kind}`;
        if (seen.has(key)) continue; // the first of each only (a deal's second follow-up is due later)
        seen.add(key);
        const at = e.occurredAt.getTime();
        if (e.type === 'sla_breached') late.escalation.push(at - stallDue!);
        else if (kind === 'follow_up') late.followUp.push(at - followUpDue!);
        else if (kind === 'stall') late.escalationSent.push(at - stallDue!);
      }
      const bareFollowUp = sleeperLate.map((l) => l[0]!);
      const bareStall = sleeperLate.map((l) => l[1]!);
      console.log('lateness (fire time - due time, workflow time):');
      console.log(stats('deal follow-up (fired + its email sent)', late.followUp));
      console.log(stats('bare sleeper at the follow-up due time', bareFollowUp));
      console.log(stats('deal stall escalation (sla_breached)', late.escalation));
      console.log(stats('deal stall escalation email sent', late.escalationSent));
      console.log(stats('bare sleeper at the escalation due time', bareStall));
      const ratio = (a: number[], b: number[]) => percentile(a, 99) / Math.max(percentile(b, 99), 1);
      const verdict = (a: number[], b: number[]) => {
        const p99 = percentile(a, 99);
        const r = ratio(a, b);
        return `p99 ${p99.toFixed(0)} ms, ${r.toFixed(2)}x the bare sleeper (target p99 < 1000 ms and <= 1.2x: ${p99 < 1000 && r <= 1.2 ? 'met' : 'MISSED'})`;
      };
      console.log(`follow-up:  ${verdict(late.followUp, bareFollowUp)}`);
      console.log(`escalation: ${verdict(late.escalation, bareStall)}`);
      const status = worker.getStatus();
      console.log(`worker cache at the end: ${status.numCachedWorkflows} of at most ${MAX_CACHED}`);
      for (const line of await stickyCacheMetrics(metricsPort)) console.log(`  ${line}`);
      // Retire the deals so the worker can stop.
      await inBatches(ids, START_CONCURRENCY, async (id) => {
        await client.workflow.getHandle(id).terminate('bench finished');
      });
    });
    await connection.close();
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
