// npm run bench:timers — timer lateness with many open deals and claimed accounts on one worker
// (issue 16), beside bare sleepers on the same worker in the same run.
//
// Method: the real stack (throwaway PostgreSQL, Temporal dev server), one worker in this process
// built by the product's createWorker (its sticky-queue timeout and cache option) with the real
// activities (mail to the outbox sender, no SMTP). Process days are real days: every deal and
// account is started the way continue-as-new restarts one, with carried state (the real state
// shape, from createInitialState / createAccountState) whose clocks were anchored in the past so
// that they come due inside a measurement window that opens once everything has started:
//   - BENCH_DEALS deals (10,000): stage entered 14 days before its stall escalation is due, last
//     follow-up 7 days before its follow-up is due; both due times uniformly spread over the window;
//   - BENCH_ACCOUNTS claimed accounts (deals / 5): warning and lapse due in the window (like
//     bench:customers' lapsing claims);
//   - BENCH_SLEEPERS bare sleepers (deals + accounts, at most 3,000), each sleeping to the two due
//     times of a deal or an account picked at random, and doing nothing else.
// Nothing else is changed: the real workflows arm their real timers, the deal's wake-up runs the
// checkClocks local activity, journals, emails and projects; the account warns, lapses, frees the
// cap slot, notifies and projects.
// Lateness (ms after the due time), read from each workflow's history, the same way for every kind:
//   - "applied": the workflow task that handled the firing completed (the deal's includes its
//     checkClocks local activity: the clock's effect is then durable);
//   - "woke": that task started (the workflow's own clock, what its Date.now() said);
// and for the deals from the read model: the escalation email journalled as sent. Each kind's
// earlier clock was armed by its start task, in the start-up burst (deals first, then accounts,
// then sleepers, so the kinds' start tasks see different loads); the later clock's timer was armed
// in the window by the task that handled the earlier one, so "later clock" compares like with like
// (a workflow whose two clocks one task handled is left out of it and counted).
// Memory: worker RSS and V8 heap after each phase, per cached workflow. BENCH_MAX_CACHED below
// the open workflows shows the cache evicting; the SDK's sticky-cache and replay counters are read
// from its Prometheus endpoint.
// Environment: BENCH_DEALS (10000), BENCH_ACCOUNTS (deals/5), BENCH_WINDOW_S (300: the due times
// spread over it), BENCH_LEAD_S (time from the start of starting to the window; default from an
// assumed start rate, see leadSeconds), BENCH_MAX_CACHED (default: everything fits),
// BENCH_START_CONCURRENCY (4), BENCH_DUE_SHARE (1: the share of deals and accounts whose clocks
// come due in the window; the others stay open with their timers armed days ahead, so the open
// workflows and the firing rate can be set apart: 10,000 open deals need not all fire in 5 minutes).
import path from 'node:path';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { randomBytes } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { PSM_PROCESS, daysToMs } from '../workflows/psm-process';
import { createInitialState, markProjected, snapshot } from '../workflows/opportunity-state';
import { createAccountState } from '../workflows/account-rules';
import { accountWorkflowId } from '../workflows/account-messages';
import type { AccountState } from '../workflows/account-types';
import type { OpportunityStartInput } from '../workflows/opportunity-types';
import { createWorker } from '../src/temporal/worker';
import { readReportingLine } from '../src/users/reporting-chain';
import { projectSafely } from '../src/read-model/project-safely';
import { percentile, startBenchStack } from './lib/stack';
import { freePort } from '../scripts/lib/pg-cluster';
import { benchActivities } from './lib/bench-activities';
import { seedOrg, seedPool } from './customers-seed';

const env = process.env;
const DEALS = Number(env.BENCH_DEALS ?? 10_000);
const ACCOUNTS = Number(env.BENCH_ACCOUNTS ?? Math.round(DEALS / 5));
const WINDOW_MS = Number(env.BENCH_WINDOW_S ?? 300) * 1000;
/** Bare sleepers: each sleeps to the two due times of one deal or account, picked at random. */
const SLEEPERS = Number(env.BENCH_SLEEPERS ?? Math.min(DEALS + ACCOUNTS, 3_000));
const WORKFLOWS = DEALS + ACCOUNTS + SLEEPERS;
const MAX_CACHED = env.BENCH_MAX_CACHED ? Number(env.BENCH_MAX_CACHED) : WORKFLOWS + 500;
/** The worker's workflow task slots (createWorker's maxConcurrentWorkflowTaskExecutions); unset: the SDK's 40. */
const WFT_SLOTS = env.BENCH_WFT_SLOTS ? Number(env.BENCH_WFT_SLOTS) : undefined;
/**
 * Starts in flight at once. 4: measured on the quiet 2-core machine (300 deals, 60 accounts, 300
 * sleepers), starting ran as fast at 4 as at 25 (34 against 27 workflows/s: the server sets the
 * pace), but at 25 the start tasks queued on the worker (a deal's p50 208 ms, p90 819 ms against
 * 131 / 498 at 4) and each first clock's timer, armed by that task, fired that much later.
 */
const START_CONCURRENCY = Number(env.BENCH_START_CONCURRENCY ?? 4);
const DUE_SHARE = Number(env.BENCH_DUE_SHARE ?? 1);
/** Accounts per rep: the claim cap (capDefault) allows 50. */
const CLAIMS_PER_REP = 50;

/**
 * Starting must be over before the first clock is due. Measured on the shared 2-core machine at
 * load ~20 (other jobs): ~15 deals, ~7 accounts and ~10 sleepers started a second; a third slower
 * assumed, plus a minute.
 */
function leadSeconds(): number {
  if (env.BENCH_LEAD_S) return Number(env.BENCH_LEAD_S);
  return Math.ceil(DEALS / 10 + ACCOUNTS / 5 + SLEEPERS / 7 + 60);
}

const first = PSM_PROCESS.milestones[0]!;
const FOLLOW_UP_MS = daysToMs(first.followUpCadenceDays!);
const STALL_MS = daysToMs(first.stallSlaDays!);

const T = temporal.api.enums.v1.EventType;

/** A fixed-seed generator: the same due times every run of the same size. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function inBatches<T>(
  label: string,
  items: T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let done = 0;
  const t0 = Date.now();
  const progress = setInterval(() => {
    const s = (Date.now() - t0) / 1000;
    console.log(`  ${label}: ${done}/${items.length} (${(done / s).toFixed(0)}/s)`);
  }, 10_000);
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, items.length) }, async () => {
        for (;;) {
          const i = next++;
          if (i >= items.length) return;
          await fn(items[i]!, i);
          done += 1;
        }
      }),
    );
  } finally {
    clearInterval(progress);
  }
}

const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const load = () => os.loadavg()[0]!.toFixed(1);
const stats = (name: string, s: number[]) => {
  s.sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(0).padStart(6);
  return `${name.padEnd(46)} n ${String(s.length).padStart(6)}  p50 ${f(percentile(s, 50))}  p95 ${f(percentile(s, 95))}  p99 ${f(percentile(s, 99))}  max ${f(s[s.length - 1] ?? NaN)} ms`;
};

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function promMetrics(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = line.match(
      /^temporal_(sticky_cache_\w+|workflow_task_replay_latency_(?:count|sum)|workflow_task_execution_latency_(?:count|sum)|local_activity_total|activity_task_received)(?:\{[^}]*\})?\s+([\d.e+-]+)/,
    );
    if (m) out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[2]));
  }
  return out;
}

/** Per firing: when the task that handled it started (workflow clock) and completed. */
interface Wake {
  /** The server fired the timer (the run's first task: when it was scheduled). */
  fired: number;
  started: number;
  completed: number;
}

/**
 * The workflow tasks that followed a timer firing, in order, and the run's first task (a workflow
 * whose first task ran after a due time handles that due time there, without a timer).
 */
function wakesOf(history: temporal.api.history.v1.IHistory): Wake[] {
  const wakes: Wake[] = [];
  let fired: number | null = tsToMs(history.events?.[0]?.eventTime);
  let started: number | null = null;
  for (const e of history.events ?? []) {
    const type = Number(e.eventType);
    if (type === T.EVENT_TYPE_TIMER_FIRED) fired = tsToMs(e.eventTime);
    else if (type === T.EVENT_TYPE_WORKFLOW_TASK_STARTED && fired !== null && started === null)
      started = tsToMs(e.eventTime);
    else if (type === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && fired !== null && started !== null) {
      wakes.push({ fired, started, completed: tsToMs(e.eventTime) });
      fired = null;
      started = null;
    }
  }
  return wakes;
}

/**
 * The task that handled a due time: the first wake-up whose workflow clock had reached it (the
 * workflows decide "due" by that clock; two clocks due close together are handled by one task).
 */
function handledBy(wakes: Wake[], due: number): Wake | undefined {
  return wakes.find((w) => w.started >= due);
}

/** How late the task that handled a due time was, measured from that due time. */
function lateness(wakes: Wake[], due: number): Wake | null {
  const wake = handledBy(wakes, due);
  return wake
    ? { fired: wake.fired - due, started: wake.started - due, completed: wake.completed - due }
    : null;
}

async function main(): Promise<void> {
  const metricsPort = await freePort();
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } },
  });
  const tStart = Date.now();
  const stack = await startBenchStack({ withApp: false });
  try {
    const prisma = stack.prisma;
    const client = stack.client;
    // The org: a director over one manager over the deals' rep; the accounts' reps (50 claims each,
    // the default cap) under managers of their own.
    const director = await prisma.user.create({
      data: { name: 'D', email: 'd@bench.psm', role: 'director' },
    });
    const manager = await prisma.user.create({
      data: { name: 'M', email: 'm@bench.psm', role: 'manager', managerId: director.id },
    });
    const rep = await prisma.user.create({
      data: { name: 'R', email: 'r@bench.psm', role: 'rep', managerId: manager.id },
    });
    const repLine = (await readReportingLine(prisma, rep.id))!;
    const repsNeeded = Math.ceil(ACCOUNTS / CLAIMS_PER_REP);
    const org = await seedOrg(prisma, {
      managers: Math.max(1, Math.ceil(repsNeeded / 20)),
      repsPerManager: 20,
    });
    const accountReps = org.managers.flatMap((m) => m.reps).slice(0, repsNeeded);
    const accountIds = ACCOUNTS > 0 ? await seedPool(prisma, ACCOUNTS, org.admin.id) : [];

    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    const taskQueue = `bench-timers-${randomBytes(3).toString('hex')}`;
    const activities = benchActivities(prisma);
    const worker = await createWorker({
      connection,
      namespace: stack.config.temporal.namespace,
      taskQueue,
      activities,
      stickyTimeoutMs: stack.config.temporal.stickyTimeoutMs,
      workflowsPath: path.join(__dirname, 'workflows/timers.ts'),
      maxCachedWorkflows: MAX_CACHED,
      ...(WFT_SLOTS === undefined ? {} : { maxConcurrentWorkflowTaskExecutions: WFT_SLOTS }),
    });
    const startOptions = { taskQueue, workflowTaskTimeout: stack.config.temporal.workflowTaskTimeoutMs };

    const lead = leadSeconds();
    const windowStart = Date.now() + lead * 1000;
    const windowEnd = windowStart + WINDOW_MS;
    const rnd = random(16);
    const inWindow = () => windowStart + Math.floor(rnd() * WINDOW_MS);
    /** Not due in the window: some days after it (the follow-up cadence is 7 days, the stall SLA 14). */
    const later = (days: number) => windowEnd + days * 86_400_000 + Math.floor(rnd() * WINDOW_MS);
    // Every 1/DUE_SHARE-th one is due (evenly spread over the ids, the same ones every run).
    const isDue = (i: number) => Math.floor((i + 1) * DUE_SHARE) > Math.floor(i * DUE_SHARE);
    const deals = Array.from({ length: DEALS }, (_, i) => {
      const due = isDue(i);
      return {
        id: `opp-${taskQueue}-${i}`,
        due,
        followUpDue: due ? inWindow() : later(3),
        stallDue: due ? inWindow() : later(7),
      };
    });
    const accounts = accountIds.map((accountId, i) => {
      const due = isDue(i);
      const [warnDue, lapseDue] = (due ? [inWindow(), inWindow()] : [later(3), later(6)]).sort(
        (a, b) => a - b,
      ) as [number, number];
      return { accountId, due, ownerId: accountReps[Math.floor(i / CLAIMS_PER_REP)]!.id, warnDue, lapseDue };
    });
    const dueDeals = deals.filter((d) => d.due);
    const dueAccounts = accounts.filter((a) => a.due);
    const dueClocks = 2 * (dueDeals.length + dueAccounts.length);
    console.log(
      `timers: ${DEALS} open deals (follow-up and stall escalation each due once in the window) and ${ACCOUNTS} ` +
        `claimed accounts (warning and lapse each due once), beside ${SLEEPERS} bare sleepers: ` +
        `${dueClocks} clocks due over ${WINDOW_MS / 1000} s (${dueDeals.length} deals and ${dueAccounts.length} accounts due, the rest armed days ahead), opening ${lead} s from now; ` +
        `worker cache ${MAX_CACHED} workflows for ${WORKFLOWS}, ${WFT_SLOTS ?? 'the default 40'} workflow task slots; 2-core machine shared with other jobs, load ${load()}`,
    );

    await worker.runUntil(async () => {
      const memory = () => {
        gc();
        const m = process.memoryUsage();
        return { rss: m.rss, heap: m.heapUsed, cached: worker.getStatus().numCachedWorkflows };
      };
      const perCached = (a: ReturnType<typeof memory>, b: ReturnType<typeof memory>) => {
        const n = Math.max(1, b.cached - a.cached);
        return (
          `${b.cached - a.cached} more cached; RSS ${mib(a.rss)} -> ${mib(b.rss)} MiB, heap ${mib(a.heap)} -> ${mib(b.heap)} MiB: ` +
          `${((b.rss - a.rss) / n / 1024).toFixed(0)} KiB RSS, ${((b.heap - a.heap) / n / 1024).toFixed(0)} KiB heap per cached workflow`
        );
      };
      /** Until the worker has run every first task (the cache stops growing) and `settled` holds. */
      const quiet = async (settled: () => Promise<boolean> = async () => true) => {
        let last = -1;
        for (;;) {
          await sleepMs(2_000);
          const now = worker.getStatus().numCachedWorkflows;
          if (now === last && (await settled())) return;
          last = now;
        }
      };
      const m0 = memory();
      const t0 = Date.now();

      // ---- deals ----
      await inBatches('deals started', deals, START_CONCURRENCY, async (deal) => {
        const input: OpportunityStartInput = {
          id: deal.id,
          name: `Timer deal ${deal.id.slice(-6)}`,
          account: 'Bench Co',
          amount: 1000,
          currency: 'CNY',
          ownerId: rep.id,
          expectedCloseDate: null,
          createdBy: { userId: rep.id, role: 'rep' },
        };
        // Entered its stage 14 days before the stall is due; a follow-up was last sent 7 days
        // before the next one is due (the stage's cadence).
        const state = createInitialState(input, deal.stallDue - STALL_MS);
        state.reportingLine = repLine;
        state.followUp = { anchor: new Date(deal.followUpDue - FOLLOW_UP_MS).toISOString(), sent: 1 };
        // Its created event is in the read model, projected by the domain function the API calls
        // after each command, so starting costs the worker one task and no activity.
        await projectSafely(prisma, { snapshot: snapshot(state), events: state.events }, { attempt: 1 });
        markProjected(state, state.seq);
        await client.workflow.start('opportunity', {
          ...startOptions,
          workflowId: deal.id,
          args: [{ ...input, carried: state }],
        });
      });
      await quiet();
      const m1 = memory();
      console.log(
        `deals: ${DEALS} started in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${perCached(m0, m1)}`,
      );

      // ---- claimed accounts ----
      const t1 = Date.now();
      if (accounts.length > 0) {
        const claimedAt = new Date(Date.now() - 60 * 86_400_000);
        await prisma.$executeRaw`
          UPDATE "Account" a SET "ownerId" = h."ownerId"::uuid, "funnelStep" = 'listed', "claimedAt" = ${claimedAt},
                 "lastSalesActionAt" = ${claimedAt}, "lapsesAt" = h."lapsesAt"::timestamp, "warnsAt" = h."warnsAt"::timestamp
            FROM unnest(${accounts.map((a) => a.accountId)}::text[], ${accounts.map((a) => a.ownerId)}::text[],
                        ${accounts.map((a) => new Date(a.lapseDue).toISOString())}::text[],
                        ${accounts.map((a) => new Date(a.warnDue).toISOString())}::text[])
                 AS h("id", "ownerId", "lapsesAt", "warnsAt")
           WHERE a."id" = h."id"`;
        await inBatches('accounts started', accounts, START_CONCURRENCY, async (a) => {
          const carried: AccountState = {
            ...createAccountState(a.accountId),
            funnelStep: 'listed',
            ownerId: a.ownerId,
            claimedAt: claimedAt.toISOString(),
            lastSalesActionAt: claimedAt.toISOString(),
            warnsAt: new Date(a.warnDue).toISOString(),
            lapsesAt: new Date(a.lapseDue).toISOString(),
            clockGeneration: 1,
          };
          await client.workflow.start('account', {
            ...startOptions,
            workflowId: accountWorkflowId(a.accountId),
            args: [{ accountId: a.accountId, carried }],
          });
        });
        await quiet();
      }
      const m2 = memory();
      console.log(
        `accounts: ${ACCOUNTS} started in ${((Date.now() - t1) / 1000).toFixed(0)} s; ${perCached(m1, m2)}`,
      );

      // ---- bare sleepers, to the same due times ----
      const t2 = Date.now();
      const sleepers = Array.from({ length: SLEEPERS }, (_, i) => {
        const k = Math.floor(rnd() * (dueDeals.length + dueAccounts.length));
        const d = dueDeals[k];
        const a = dueAccounts[k - dueDeals.length];
        return d
          ? { kind: 'deal' as const, id: `sleep-${i}-${d.id}`, dues: [d.followUpDue, d.stallDue] }
          : { kind: 'account' as const, id: `sleep-${i}-${a!.accountId}`, dues: [a!.warnDue, a!.lapseDue] };
      });
      await inBatches('sleepers started', sleepers, START_CONCURRENCY, async (s) => {
        await client.workflow.start('bareSleeper', {
          ...startOptions,
          workflowId: s.id,
          args: [[...s.dues].sort((a, b) => a - b)],
        });
      });
      await quiet();
      const m3 = memory();
      console.log(
        `sleepers: ${sleepers.length} started in ${((Date.now() - t2) / 1000).toFixed(0)} s; ${perCached(m2, m3)}`,
      );
      const startedAll = Date.now();
      console.log(
        `everything started in ${((startedAll - t0) / 1000).toFixed(0)} s (${((WORKFLOWS * 1000) / (startedAll - t0)).toFixed(0)} workflows/s); ` +
          `worker RSS ${mib(m3.rss)} MiB with ${m3.cached} cached; load ${load()}`,
      );
      if (startedAll > windowStart)
        console.log(
          `WARNING: starting overran the window's opening by ${((startedAll - windowStart) / 1000).toFixed(0)} s: ` +
            `clocks fired while workflows were still starting (raise BENCH_LEAD_S)`,
        );
      else console.log(`the window opens in ${((windowStart - startedAll) / 1000).toFixed(0)} s`);

      await sleepMs(Math.max(0, windowStart - Date.now()));
      const metricsBefore = await promMetrics(metricsPort);
      const loads: number[] = [];
      const cpu0 = process.cpuUsage();
      const w0 = Date.now();
      while (Date.now() < windowEnd) {
        await sleepMs(5_000);
        loads.push(os.loadavg()[0]!);
      }
      // Wait for the stragglers: every deal's stall escalation and follow-up email, every lapse.
      const deadline = windowEnd + 10 * 60_000;
      for (;;) {
        const [breached, followUps, lapsed] = await Promise.all([
          prisma.opportunityEvent.count({ where: { type: 'sla_breached' } }),
          prisma.opportunityEvent.count({
            where: { type: 'escalation_sent', payload: { path: ['kind'], equals: 'follow_up' } },
          }),
          prisma.accountOwnerChange.count({ where: { reason: 'lapse' } }),
        ]);
        const [nDeals, nAccounts] = [dueDeals.length, dueAccounts.length];
        if ((breached >= nDeals && followUps >= nDeals && lapsed >= nAccounts) || Date.now() > deadline) {
          console.log(
            `fired: ${breached}/${nDeals} stall escalations, ${followUps}/${nDeals} follow-up emails, ${lapsed}/${nAccounts} lapses ` +
              `${((Date.now() - windowEnd) / 1000).toFixed(0)} s after the window closed`,
          );
          break;
        }
        await sleepMs(2_000);
      }
      const cpu = process.cpuUsage(cpu0);
      const wallS = (Date.now() - w0) / 1000;
      const metricsAfter = await promMetrics(metricsPort);
      const m4 = memory();

      // ---- lateness, from the histories ----
      const late = {
        dealFollowUp: [] as Wake[],
        dealStall: [] as Wake[],
        accountWarn: [] as Wake[],
        accountLapse: [] as Wake[],
        bareDeal: [] as Wake[],
        bareAccount: [] as Wake[],
      };
      // Each workflow's later clock: its timer was armed in the window by the task that handled
      // the earlier one, not by the start task (which ran in the start-up burst, whatever its kind).
      const later = {
        deal: [] as Wake[],
        account: [] as Wake[],
        bareDeal: [] as Wake[],
        bareAccount: [] as Wake[],
      };
      let missing = 0;
      // A later clock is one of the firings already recorded: its absence is counted once.
      const record = (into: Wake[], wakes: Wake[], due: number, countMissing = true) => {
        const l = lateness(wakes, due);
        if (l) into.push(l);
        else if (countMissing) missing += 1;
      };
      // Only when the earlier clock's task was done before it: two clocks due within one task's
      // lateness are handled by that task (its timer armed by the start task), not armed in the window.
      const handledTogether = new Map<Wake[], number>();
      const recordLater = (into: Wake[], wakes: Wake[], dues: number[]) => {
        const [earlier, laterDue] = [Math.min(...dues), Math.max(...dues)];
        const first = handledBy(wakes, earlier);
        if (first && first === handledBy(wakes, laterDue))
          handledTogether.set(into, (handledTogether.get(into) ?? 0) + 1);
        else record(into, wakes, laterDue, false);
      };
      const histories = [
        ...dueDeals.map((d) => ({
          id: d.id,
          apply: (w: Wake[]) => (
            record(late.dealFollowUp, w, d.followUpDue),
            record(late.dealStall, w, d.stallDue),
            recordLater(later.deal, w, [d.followUpDue, d.stallDue])
          ),
        })),
        ...dueAccounts.map((a) => ({
          id: accountWorkflowId(a.accountId),
          apply: (w: Wake[]) => (
            record(late.accountWarn, w, a.warnDue),
            record(late.accountLapse, w, a.lapseDue),
            recordLater(later.account, w, [a.warnDue, a.lapseDue])
          ),
        })),
        ...sleepers.map((s) => ({
          id: s.id,
          apply: (w: Wake[]) => {
            s.dues.forEach((due) => record(s.kind === 'deal' ? late.bareDeal : late.bareAccount, w, due));
            recordLater(s.kind === 'deal' ? later.bareDeal : later.bareAccount, w, s.dues);
          },
        })),
      ];
      await inBatches('histories read', histories, 10, async (h) => {
        h.apply(wakesOf(await client.workflow.getHandle(h.id).fetchHistory()));
      });
      const sent = await prisma.opportunityEvent.findMany({
        where: { type: 'escalation_sent' },
        select: { opportunityId: true, occurredAt: true, payload: true },
      });
      const dueOf = new Map(deals.map((d) => [d.id, d]));
      const emailLate = { followUp: [] as number[], stall: [] as number[] };
      for (const e of sent) {
        const d = dueOf.get(e.opportunityId);
        const kind = (e.payload as { kind?: string }).kind;
        if (!d) continue;
        if (kind === 'follow_up') emailLate.followUp.push(e.occurredAt.getTime() - d.followUpDue);
        else if (kind === 'stall') emailLate.stall.push(e.occurredAt.getTime() - d.stallDue);
      }

      const applied = (w: Wake[]) => w.map((x) => x.completed);
      const woke = (w: Wake[]) => w.map((x) => x.started);
      const avgLoad = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length);
      console.log(
        `\nlateness (ms after the due time) of ${dueClocks} clocks due over ${WINDOW_MS / 1000} s ` +
          `(${(dueClocks / (WINDOW_MS / 1000)).toFixed(1)}/s, and ${2 * SLEEPERS} for the sleepers); ` +
          `load average ${avgLoad.toFixed(1)} (min ${Math.min(...loads).toFixed(1)}, max ${Math.max(...loads).toFixed(1)}) on 2 cores; ` +
          `this process (worker + bench) used ${((cpu.user + cpu.system) / 1e6 / wallS).toFixed(2)} cores; ${missing} firings not found`,
      );
      const kinds: [string, Wake[]][] = [
        ['deal follow-up', late.dealFollowUp],
        ['deal stall escalation', late.dealStall],
        ['bare sleeper, deal due times', late.bareDeal],
        ['account claim warning', late.accountWarn],
        ['account claim lapse', late.accountLapse],
        ['bare sleeper, account due times', late.bareAccount],
      ];
      const fired = (w: Wake[]) => w.map((x) => x.fired);
      const blocks: [string, (w: Wake[]) => number[]][] = [
        ['applied: the task handling the firing completed', applied],
        ["woke: that task started (the workflow's clock)", woke],
        [
          'fired: the server fired the timer (late by how long the task that armed it took, from its start)',
          fired,
        ],
      ];
      for (const [title, pick] of blocks) {
        console.log(title);
        for (const [label, wakes] of kinds) console.log(stats(`  ${label}`, pick(wakes)));
      }
      console.log('the email journalled as sent (escalation_sent, workflow clock)');
      console.log(stats('  deal follow-up email', emailLate.followUp));
      console.log(stats('  deal stall escalation email', emailLate.stall));

      const p99 = (w: number[]) =>
        percentile(
          [...w].sort((a, b) => a - b),
          99,
        );
      const verdict = (name: string, a: number[], bare: number[]) => {
        const r = p99(a) / Math.max(p99(bare), 1);
        const met = p99(a) < 1000 && r <= 1.2;
        return `${name.padEnd(22)} p99 ${p99(a).toFixed(0).padStart(6)} ms vs bare ${p99(bare).toFixed(0).padStart(6)} ms = ${r.toFixed(2)}x (target < 1000 ms and <= 1.2x: ${met ? 'met' : 'MISSED'})`;
      };
      console.log('targets (applied):');
      console.log('  ' + verdict('deal follow-up', applied(late.dealFollowUp), applied(late.bareDeal)));
      console.log('  ' + verdict('deal stall escalation', applied(late.dealStall), applied(late.bareDeal)));
      console.log(
        '  ' + verdict('account claim warning', applied(late.accountWarn), applied(late.bareAccount)),
      );
      console.log(
        '  ' + verdict('account claim lapse', applied(late.accountLapse), applied(late.bareAccount)),
      );
      console.log(
        "each workflow's later clock only (its timer armed in the window, not in the start-up burst), applied " +
          '(left out: workflows whose two clocks one task handled):',
      );
      for (const [label, wakes] of [
        ['deal, later clock', later.deal],
        ['bare sleeper, deal due times, later', later.bareDeal],
        ['account, later clock (lapse)', later.account],
        ['bare sleeper, account due times, later', later.bareAccount],
      ] as const)
        console.log(`${stats(`  ${label}`, applied(wakes))}  left out ${handledTogether.get(wakes) ?? 0}`);
      console.log('  ' + verdict('deal, later clock', applied(later.deal), applied(later.bareDeal)));
      console.log('  ' + verdict('account, later clock', applied(later.account), applied(later.bareAccount)));

      const delta = (k: string) => (metricsAfter.get(k) ?? 0) - (metricsBefore.get(k) ?? 0);
      console.log(
        `worker cache: ${m4.cached} of at most ${MAX_CACHED} at the end (RSS ${mib(m4.rss)} MiB, heap ${mib(m4.heap)} MiB); ` +
          `during the window: ${delta('sticky_cache_hit')} sticky hits, ${delta('sticky_cache_miss')} misses, ` +
          `${delta('sticky_cache_total_forced_eviction')} forced evictions, ${delta('workflow_task_replay_latency_count')} tasks replayed ` +
          `(${(delta('workflow_task_replay_latency_sum') / Math.max(1, delta('workflow_task_replay_latency_count'))).toFixed(0)} ms avg), ` +
          `${delta('workflow_task_execution_latency_count')} workflow tasks, ${delta('local_activity_total')} local activities, ` +
          `${delta('activity_task_received')} activities`,
      );
      console.log(`total ${((Date.now() - tStart) / 1000).toFixed(0)} s`);
    });
    await connection.close();
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
