// npm run bench:customers — claims at the issue's scale (issue 11), on the real stack (throwaway
// PostgreSQL, Temporal dev server, the app as `npm start` runs it, one worker):
//   1. 100,000 accounts in the pool (bulk INSERT ... SELECT), 200 reps under 10 managers;
//   2. every rep holds 50 claims (10,000 live claim clocks: one account workflow and one durable
//      timer each, on the app's one worker);
//   3. claim and release latency: through the API (POST /api/accounts/:id/{claim,release}), as
//      the account Update sent directly with the Temporal client, and a bare Temporal executeUpdate
//      (bench/workflows bareUpdate: a handler that only answers) on the same server in the same run;
//   4. lapse lateness when 1,000 claims lapse in the same hour, compressed into BENCH_LAPSE_WINDOW_S.
//
// How the lapse is shortened: the 1,000 account workflows are started the way continue-as-new
// restarts one, with `carried` state (the real AccountState shape, from createAccountState) whose
// claim was made long ago and whose lapse is due a minute from now, spread evenly over the window.
// Nothing else is changed: the real workflow arms its real timer on the real dev server beside the
// 10,000 other clocks, fires it, journals the lapse, notifies rep and manager and projects it.
// Lateness is measured twice: the workflow's own clock when it lapsed (AccountOwnerChange.at, the
// workflow task's time) minus the due time, and when the bench saw the account back in the pool in
// the read model (polled every 200 ms) minus the due time. Time skipping cannot be used here: the
// time-skipping test server is not the dev server and would skip the very lateness we measure.
//
// Environment: BENCH_ACCOUNTS (100000), BENCH_MANAGERS (10), BENCH_REPS_PER_MANAGER (20),
// BENCH_CLAIMS_PER_REP (50), BENCH_SAMPLES (200 claim+release pairs per path), BENCH_LAPSES (1000),
// BENCH_LAPSE_WINDOW_S (60), BENCH_SEED_CONCURRENCY (16), BENCH_ASSIGN (200: claims set up through the
// assign Update; the others start with their clock armed, see step 2).
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { percentile, startBenchStack } from './lib/stack';
import { seedOrg, seedPool } from './customers-seed';
import { sendAccountCommand } from '../src/customers/claims-client';
import { accountUpdates, accountWorkflowId } from '../workflows/account-messages';
import { createAccountState } from '../workflows/account-rules';
import type { AccountState } from '../workflows/account-types';

const env = process.env;
const ACCOUNTS = Number(env.BENCH_ACCOUNTS ?? 100_000);
const MANAGERS = Number(env.BENCH_MANAGERS ?? 10);
const REPS_PER_MANAGER = Number(env.BENCH_REPS_PER_MANAGER ?? 20);
const CLAIMS_PER_REP = Number(env.BENCH_CLAIMS_PER_REP ?? 50);
const SAMPLES = Number(env.BENCH_SAMPLES ?? 200);
const LAPSES = Number(env.BENCH_LAPSES ?? 1000);
const LAPSE_WINDOW_S = Number(env.BENCH_LAPSE_WINDOW_S ?? 60);
const SEED_CONCURRENCY = Number(env.BENCH_SEED_CONCURRENCY ?? 16);
const ASSIGN = Number(env.BENCH_ASSIGN ?? 200);

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function pool<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        await fn(items[i]!, i);
      }
    }),
  );
}

interface Row {
  label: string;
  samples: number[];
  note?: string;
}
const rows: Row[] = [];
const record = (label: string, samples: number[], note?: string) =>
  rows.push({ label, samples: [...samples].sort((a, b) => a - b), ...(note ? { note } : {}) });

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const started = Date.now();
  const stack = await startBenchStack({ withApp: 'process' });
  const taskQueue = stack.config.temporal.taskQueue;
  const target = { client: stack.client, taskQueue };
  try {
    // ---- 1. org and pool ----
    const org = await seedOrg(stack.prisma, { managers: MANAGERS + 1, repsPerManager: REPS_PER_MANAGER });
    const lapseTeam = org.managers.pop()!;
    const reps = org.managers.flatMap((m) => m.reps.map((r) => ({ ...r, manager: m })));
    let t = process.hrtime.bigint();
    const accounts = await seedPool(stack.prisma, ACCOUNTS, org.admin.id);
    console.log(
      `pool: ${ACCOUNTS} accounts inserted in ${(ms(t) / 1000).toFixed(1)} s (one INSERT ... SELECT)`,
    );
    let cursor = 0;
    const take = (n: number) => {
      const out = accounts.slice(cursor, cursor + n);
      if (out.length < n) throw new Error('pool exhausted: raise BENCH_ACCOUNTS');
      cursor += n;
      return out;
    };

    // ---- 2. 10,000 live claim clocks ----
    // BENCH_ASSIGN accounts go through the assign Update (workflow start + Update + cap reservation
    // + projection, timed); the rest start as a continue-as-new would (carried state: the claim and
    // its armed clock, due 30 working days on), which is the same live timer for far less set-up
    // time on a shared 2-core machine. The read model gets the same columns in one UPDATE.
    const holdings = reps.flatMap((rep) => take(CLAIMS_PER_REP).map((accountId) => ({ rep, accountId })));
    const viaAssign = holdings.slice(0, Math.min(ASSIGN, holdings.length));
    const viaCarried = holdings.slice(viaAssign.length);
    t = process.hrtime.bigint();
    const assignMs: number[] = [];
    await pool(viaAssign, SEED_CONCURRENCY, async ({ rep, accountId }) => {
      const t1 = process.hrtime.bigint();
      await sendAccountCommand(target, accountId, 'assign', {
        requestId: `bench-assign-${accountId}`,
        actor: { userId: rep.manager.id, role: 'manager' },
        toUserId: rep.id,
      });
      assignMs.push(ms(t1));
    });
    record(`assign Update (workflow start + Update, ${SEED_CONCURRENCY} in flight)`, assignMs);
    const claimedAt = new Date();
    const lapsesAt = new Date(claimedAt.getTime() + 42 * 86_400_000);
    const warnsAt = new Date(lapsesAt.getTime() - 7 * 86_400_000);
    await stack.prisma.$executeRaw`
      UPDATE "Account" a SET "ownerId" = h."ownerId"::uuid, "funnelStep" = 'listed', "claimedAt" = ${claimedAt},
             "lastSalesActionAt" = ${claimedAt}, "lapsesAt" = ${lapsesAt}, "warnsAt" = ${warnsAt}
        FROM unnest(${viaCarried.map((h) => h.accountId)}::text[], ${viaCarried.map((h) => h.rep.id)}::text[])
             AS h("id", "ownerId")
       WHERE a."id" = h."id"`;
    await pool(viaCarried, SEED_CONCURRENCY, async ({ rep, accountId }) => {
      const carried: AccountState = {
        ...createAccountState(accountId),
        funnelStep: 'listed',
        ownerId: rep.id,
        claimedAt: claimedAt.toISOString(),
        lastSalesActionAt: claimedAt.toISOString(),
        lapsesAt: lapsesAt.toISOString(),
        warnsAt: warnsAt.toISOString(),
        clockGeneration: 1,
      };
      await stack.client.workflow.start('account', {
        taskQueue,
        workflowId: accountWorkflowId(accountId),
        args: [{ accountId, carried }],
      });
    });
    const seedS = ms(t) / 1000;
    console.log(
      `clocks: ${holdings.length} live claims (${viaAssign.length} assigned through the Update, ${viaCarried.length} ` +
        `started with their armed clock) in ${seedS.toFixed(0)} s`,
    );
    for (;;) {
      const held = await stack.prisma.account.count({ where: { ownerId: { not: null } } });
      if (held >= holdings.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }

    // ---- 3. claim / release latency ----
    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    const bareQueue = `bench-bare-${randomBytes(3).toString('hex')}`;
    const bareWorker = await Worker.create({
      connection,
      taskQueue: bareQueue,
      workflowsPath: path.join(__dirname, 'workflows'),
    });
    await bareWorker.runUntil(async () => {
      const bare = await stack.client.workflow.start('bareUpdate', {
        taskQueue: bareQueue,
        workflowId: bareQueue,
      });
      await bare.query('ready');
      const bareMs: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t1 = process.hrtime.bigint();
        await bare.executeUpdate('touch', { args: [1] });
        bareMs.push(ms(t1));
      }
      record('bare executeUpdate (no-op handler)', bareMs);
    });
    await connection.close();

    const sampleReps = Array.from({ length: SAMPLES }, (_, i) => reps[i % reps.length]!);
    const byRep = new Map<string, string[]>();
    for (const h of holdings) byRep.set(h.rep.id, [...(byRep.get(h.rep.id) ?? []), h.accountId]);
    const nextHeld = (repId: string) => byRep.get(repId)!.shift()!;

    const direct = { release: [] as number[], claim: [] as number[] };
    for (const rep of sampleReps) {
      const actor = { userId: rep.id, role: 'rep' as const };
      let t1 = process.hrtime.bigint();
      await stack.client.workflow
        .getHandle(accountWorkflowId(nextHeld(rep.id)))
        .executeUpdate(accountUpdates.release, { args: [{ requestId: randomUUID(), actor }] });
      direct.release.push(ms(t1));
      const fresh = take(1)[0]!;
      t1 = process.hrtime.bigint();
      await sendAccountCommand(target, fresh, 'claim', { requestId: randomUUID(), actor });
      direct.claim.push(ms(t1));
      byRep.get(rep.id)!.push(fresh);
    }
    record('claim, account Update direct (start + Update)', direct.claim);
    record('release, account Update direct', direct.release);

    const api = { release: [] as number[], claim: [] as number[] };
    const post = async (token: string, accountId: string, verb: string) => {
      const t1 = process.hrtime.bigint();
      const res = await fetch(`${stack.baseUrl}/api/accounts/${accountId}/${verb}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': randomUUID(),
        },
        body: '{}',
      });
      const text = await res.text();
      if (res.status >= 300) return { ok: false, status: res.status, text };
      return { ok: true, ms: ms(t1) };
    };
    let apiMissing: string | undefined;
    for (const rep of sampleReps) {
      const r = await post(rep.token, nextHeld(rep.id), 'release');
      if (!r.ok) {
        apiMissing = `POST /api/accounts/:id/release answered ${r.status}: ${r.text?.slice(0, 60)}`;
        break;
      }
      api.release.push(r.ms!);
      const fresh = take(1)[0]!;
      const c = await post(rep.token, fresh, 'claim');
      if (!c.ok) {
        apiMissing = `POST /api/accounts/:id/claim answered ${c.status}: ${c.text?.slice(0, 60)}`;
        break;
      }
      api.claim.push(c.ms!);
      byRep.get(rep.id)!.push(fresh);
    }
    record('claim, API', api.claim, apiMissing);
    record('release, API', api.release, apiMissing);

    // ---- 4. 1,000 claims lapse in the same (compressed) hour ----
    const lapsing = take(LAPSES);
    const leadMs = 30_000 + LAPSES * 40; // time to start them all before the first is due
    const firstDue = Date.now() + leadMs;
    const dueOf = (i: number) => firstDue + Math.floor((i * LAPSE_WINDOW_S * 1000) / LAPSES);
    const ownerOf = (i: number) => lapseTeam.reps[Math.floor(i / CLAIMS_PER_REP) % lapseTeam.reps.length]!.id;
    const longAgo = new Date(Date.now() - 60 * 86_400_000).toISOString();
    await pool(lapsing, SEED_CONCURRENCY, async (accountId, i) => {
      const lapsesAt = new Date(dueOf(i)).toISOString();
      await stack.prisma.account.update({
        where: { id: accountId },
        data: { ownerId: ownerOf(i), funnelStep: 'listed', claimedAt: longAgo, lapsesAt: new Date(lapsesAt) },
      });
      const carried: AccountState = {
        ...createAccountState(accountId),
        funnelStep: 'listed',
        ownerId: ownerOf(i),
        claimedAt: longAgo,
        lastSalesActionAt: longAgo,
        lapsesAt,
        warnsAt: lapsesAt,
        warned: true,
        clockGeneration: 1,
      };
      await stack.client.workflow.start('account', {
        taskQueue,
        workflowId: accountWorkflowId(accountId),
        args: [{ accountId, carried }],
      });
    });
    const startedAll = Date.now();
    if (startedAll > firstDue)
      console.log(
        `warning: starting the lapsing claims overran the first due time by ${startedAll - firstDue} ms`,
      );
    const seen = new Map<string, number>();
    const deadline = dueOf(LAPSES - 1) + 600_000;
    while (seen.size < LAPSES && Date.now() < deadline) {
      const back = await stack.prisma.account.findMany({
        where: { id: { in: lapsing }, ownerId: null },
        select: { id: true },
      });
      const now = Date.now();
      for (const { id } of back) if (!seen.has(id)) seen.set(id, now);
      await new Promise((r) => setTimeout(r, 200));
    }
    const index = new Map(lapsing.map((id, i) => [id, i]));
    const changes = await stack.prisma.accountOwnerChange.findMany({
      where: { accountId: { in: lapsing }, reason: 'lapse' },
      select: { accountId: true, at: true },
    });
    record(
      `lapse lateness, workflow clock (${LAPSES} in ${LAPSE_WINDOW_S} s)`,
      changes.map((c) => c.at.getTime() - dueOf(index.get(c.accountId)!)),
      `${changes.length}/${LAPSES} lapsed`,
    );
    record(
      `lapse lateness, visible in the read model (polled 200 ms)`,
      [...seen].map(([id, at]) => at - dueOf(index.get(id)!)),
      `${seen.size}/${LAPSES} seen`,
    );

    // ---- table ----
    const f = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(0).padStart(6));
    console.log(
      `\nclaims at scale: ${ACCOUNTS} accounts, ${reps.length} reps x ${CLAIMS_PER_REP} claims ` +
        `(${holdings.length} live claim clocks on one worker), 1 client, 2-core machine, loopback`,
    );
    console.log(
      'operation                                                   |    n |    p50 |    p95 |    p99 (ms)',
    );
    for (const r of rows) {
      console.log(
        `${r.label.padEnd(59)} | ${String(r.samples.length).padStart(4)} | ${f(percentile(r.samples, 50))} | ` +
          `${f(percentile(r.samples, 95))} | ${f(percentile(r.samples, 99))}${r.note ? `   ${r.note}` : ''}`,
      );
    }
    const bareP99 = percentile(rows.find((r) => r.label.startsWith('bare'))!.samples, 99);
    for (const r of rows.filter((x) => x.label.startsWith('claim') || x.label.startsWith('release'))) {
      console.log(`  ${r.label}: p99 ${(percentile(r.samples, 99) / bareP99).toFixed(1)}x the bare Update`);
    }
    console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
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
