// npm run bench:api — milestone-update latency through the API and directly with the Temporal
// client's executeUpdate, side by side against the same server, at 1, 10 and 50 clients.
// The update is a milestone checklist tick (setChecklistItem): repeatable on the same deal, and
// the same Update path as completing a milestone (validator, handler, projection).
// Prints p50/p95/p99, throughput and the app process's CPU per update for both paths, and two
// more: "hop", the bench process's own bare Express route that only runs the same executeUpdate
// (no token, no checks, no read model), which shows what an HTTP hop alone costs on this machine;
// and "hop-p", the same route served from a process of its own (bench/lib/hop-server.ts), as the
// API is, so that api minus hop-p is the API's own work.
import { randomUUID } from 'node:crypto';
import { issueApiToken } from '../src/auth/api-tokens';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { hopRouter } from './lib/hop-server';
import { percentile, processCpuMs, startBenchStack, startHopProcess } from './lib/stack';
import { setChecklistItemUpdate } from '../workflows/opportunity-messages';

const CONCURRENCY = [1, 10, 50];
const REQUESTS_PER_CLIENT = Number(process.env.BENCH_REQUESTS_PER_CLIENT ?? 40);
const WARMUP_PER_CLIENT = 5;

// BENCH_CPU_PROF=<dir>: the app process writes a V8 CPU profile there when it stops
// (open it in Chrome DevTools or summarise it with `npx tsx bench/lib/cpuprofile-top.ts <file>`).
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
// BENCH_PATH=api|direct runs one path only (to profile it alone); the ratios then read NaN.
const ONLY_PATH = process.env.BENCH_PATH;
// BENCH_LOG_STATEMENTS=1: PostgreSQL logs every statement of the measured runs, and the bench
// prints how many of each kind it saw per update (where the database work of a command goes).
const LOG_STATEMENTS = process.env.BENCH_LOG_STATEMENTS === '1';
const ONLY = process.env.BENCH_CLIENTS ? process.env.BENCH_CLIENTS.split(',').map(Number) : undefined;

/** The parent process id of `pid`, from /proc (Linux). */
function parentPid(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/**
 * CPU (ms) the PostgreSQL cluster used so far: its postmaster, the backends that ended (the
 * postmaster reaps them: its children's time, fields 16 and 17) and those running now.
 */
function clusterCpuMs(postmaster: number): number {
  const stat = fs.readFileSync(`/proc/${postmaster}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let ms = ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parentPid(Number(entry)) === postmaster) ms += processCpuMs(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return ms;
}

/** CPU (ms) the whole machine has spent busy since boot, from /proc/stat (all cores, all processes). */
function machineCpuMs(): number {
  const [, user, nice, system, , , irq, softirq, steal] = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .map(Number);
  return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / 100;
}

async function main(): Promise<void> {
  const stack = await startBenchStack({
    withApp: 'process',
    nodeArgs: CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [],
  });
  try {
    const manager = await stack.prisma.user.create({
      data: { name: 'Bench Manager', email: 'bench.manager@bench.psm', role: 'manager' },
    });
    const rep = await stack.prisma.user.create({
      data: { name: 'Bench Rep', email: 'bench.rep@bench.psm', role: 'rep', managerId: manager.id },
    });
    const { token } = await issueApiToken(stack.prisma, { userId: rep.id, label: 'bench' });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const maxClients = Math.max(...CONCURRENCY);

    // One deal per client, so clients do not queue behind each other inside one workflow; and
    // each path has its own deals. The API is the only writer of its deals, as in production: a
    // deal the bare path also changed would lack those commands in its read model, and the API's
    // next command on it would find the gap and fill it from the workflow (a query and a second
    // projection) that no production command pays.
    const deals: string[] = [];
    for (let i = 0; i < 4 * maxClients; i++) {
      const res = await fetch(`${stack.baseUrl}/api/opportunities`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: `Bench ${i}`, account: `Bench Co ${i}`, amount: 1000 }),
      });
      if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
      deals.push(((await res.json()) as { id: string }).id);
    }
    // Wait until every deal has its reporting line (first commands are refused before that).
    for (const id of deals) {
      for (;;) {
        const state = (await (
          await fetch(`${stack.baseUrl}/api/opportunities/${id}`, { headers })
        ).json()) as { reportingLine: unknown };
        if (state.reportingLine) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    let flip = false;
    const viaApi = async (id: string) => {
      flip = !flip;
      const res = await fetch(
        `${stack.baseUrl}/api/opportunities/${id}/checklist/project_initiation/understand_background`,
        {
          method: 'PUT',
          headers: { ...headers, 'Idempotency-Key': randomUUID() },
          body: JSON.stringify({ done: flip }),
        },
      );
      if (res.status !== 200) throw new Error(`api update failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const direct = async (id: string) => {
      flip = !flip;
      const requestId = `setChecklistItem:${randomUUID()}`;
      await stack.client.workflow.getHandle(id).executeUpdate(setChecklistItemUpdate, {
        args: [
          {
            requestId,
            actor: { userId: rep.id, role: 'rep' },
            milestone: 'project_initiation',
            item: 'understand_background',
            done: flip,
          },
        ],
        updateId: requestId,
      });
    };

    // The bare HTTP hop: JSON in, the Update, JSON out, served from this process ("hop") and from
    // a process of its own ("hop-p"), as the API is served: the API's own work is api minus hop-p.
    const hopApp = express();
    hopApp.use(hopRouter(stack.client, rep.id));
    const hopServer = hopApp.listen(0, '127.0.0.1');
    await new Promise((resolve) => hopServer.once('listening', resolve));
    const hopUrl = `http://127.0.0.1:${(hopServer.address() as AddressInfo).port}`;
    const hopProcess = await startHopProcess(stack.temporalAddress, rep.id);
    const hopOf = (base: string) => async (id: string) => {
      flip = !flip;
      const res = await fetch(`${base}/hop/${id}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ done: flip }),
      });
      if (res.status !== 200) throw new Error(`hop update failed: ${res.status}`);
      await res.arrayBuffer();
    };
    const viaHop = hopOf(hopUrl);
    const viaHopProcess = hopOf(hopProcess.url);

    const appPid = stack.appPid;
    // The cluster is started by this process and serves the app over pooled connections, so its
    // backends live through the run: their CPU is the database's share of each update.
    const [backend] = await stack.prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const postmaster = parentPid(backend!.pid);
    interface Run {
      samples: number[];
      wallMs: number;
      /** CPU the app process spent (ms), API + worker, during the run. */
      appCpuMs: number;
      /** CPU the PostgreSQL cluster spent (ms) during the run. */
      dbCpuMs: number;
      /** CPU the whole machine spent (ms) during the run: every process of the stack and this client. */
      boxCpuMs: number;
      /** Updates that failed (a 503 on an overloaded machine): counted, not in the samples. */
      failed: number;
      /** Transactions the database committed during the run (each autocommit statement is one). */
      dbCommits: number;
    }
    const commits = async () => {
      const [row] = await stack.prisma.$queryRaw<{ n: bigint }[]>`
        SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`;
      return Number(row!.n);
    };
    const apiDeals = deals.slice(0, maxClients);
    const directDeals = deals.slice(maxClients, 2 * maxClients);
    const hopDeals = deals.slice(2 * maxClients, 3 * maxClients);
    const hopProcessDeals = deals.slice(3 * maxClients);
    const run = async (
      clients: number,
      perClient: number,
      fn: (id: string) => Promise<void>,
    ): Promise<Run> => {
      const mine =
        fn === direct
          ? directDeals
          : fn === viaHop
            ? hopDeals
            : fn === viaHopProcess
              ? hopProcessDeals
              : apiDeals;
      // hop-p's "app" is the worker's process and the hop's own, as the API's is the API and worker.
      const appCpu = () =>
        (appPid === undefined ? NaN : processCpuMs(appPid)) +
        (fn === viaHopProcess ? processCpuMs(hopProcess.pid) : 0);
      const samples: number[] = [];
      let failed = 0;
      const cpu0 = appCpu();
      const db0 = clusterCpuMs(postmaster);
      const commits0 = await commits();
      const box0 = machineCpuMs();
      const t0 = process.hrtime.bigint();
      await Promise.all(
        mine.slice(0, clients).map(async (id) => {
          for (let i = 0; i < perClient; i++) {
            const t = process.hrtime.bigint();
            try {
              await fn(id);
            } catch (err) {
              if (++failed === 1)
                console.error(`${clients} clients: ${(err as Error).message.slice(0, 300)}`);
              continue;
            }
            samples.push(Number(process.hrtime.bigint() - t) / 1e6);
          }
        }),
      );
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const appCpuMs = appCpu() - cpu0;
      const dbCpuMs = clusterCpuMs(postmaster) - db0;
      const boxCpuMs = machineCpuMs() - box0;
      // The statistics collector reports a backend's counts when it goes idle: let them arrive.
      await new Promise((r) => setTimeout(r, 1_100));
      // Minus the two reads of the counter itself.
      const dbCommits = (await commits()) - commits0 - 2;
      return { samples, wallMs, appCpuMs, dbCpuMs, boxCpuMs, failed, dbCommits };
    };
    const merge = (runs: Run[]): Run => ({
      samples: runs.flatMap((r) => r.samples).sort((a, b) => a - b),
      wallMs: runs.reduce((n, r) => n + r.wallMs, 0),
      appCpuMs: runs.reduce((n, r) => n + r.appCpuMs, 0),
      dbCpuMs: runs.reduce((n, r) => n + r.dbCpuMs, 0),
      boxCpuMs: runs.reduce((n, r) => n + r.boxCpuMs, 0),
      failed: runs.reduce((n, r) => n + r.failed, 0),
      dbCommits: runs.reduce((n, r) => n + r.dbCommits, 0),
    });

    console.log(
      `milestone-update latency (ms), ${REQUESTS_PER_CLIENT} updates per client, 2-core machine, everything on loopback`,
    );
    console.log(
      'throughput = updates/s over the run; app CPU = CPU ms the app process (API + worker) spent per update; db CPU = the same for PostgreSQL; db tx = transactions PostgreSQL committed per update; box CPU = CPU ms the whole machine spent per update (everything: Temporal, PostgreSQL, the app, this client)',
    );
    console.log(
      'clients | path   |   n  |  p50  |  p95  |  p99  | upd/s | app CPU | db CPU | db tx | box CPU | p99 x/direct | thr x/direct',
    );
    const summary: string[] = [];
    const logFile = `${stack.dbDir}/server.log`;
    const statementLog = async (on: boolean) => {
      if (!LOG_STATEMENTS) return;
      await stack.prisma.$executeRawUnsafe(`ALTER SYSTEM SET log_statement = '${on ? 'all' : 'none'}'`);
      await stack.prisma.$executeRawUnsafe('SELECT pg_reload_conf()');
      await new Promise((r) => setTimeout(r, 200));
    };
    for (const clients of ONLY ?? CONCURRENCY) {
      const skip = async () => ({
        samples: [],
        wallMs: 0,
        appCpuMs: 0,
        dbCpuMs: 0,
        boxCpuMs: 0,
        failed: 0,
        dbCommits: 0,
      });
      const apiPath = ONLY_PATH === 'direct' ? skip : (c: number, n: number) => run(c, n, viaApi);
      const dirPath = ONLY_PATH === 'api' ? skip : (c: number, n: number) => run(c, n, direct);
      const hopPath = ONLY_PATH ? skip : (c: number, n: number) => run(c, n, viaHop);
      const hopProcessPath = ONLY_PATH ? skip : (c: number, n: number) => run(c, n, viaHopProcess);
      await apiPath(clients, WARMUP_PER_CLIENT);
      await dirPath(clients, WARMUP_PER_CLIENT);
      await hopPath(clients, WARMUP_PER_CLIENT);
      await hopProcessPath(clients, WARMUP_PER_CLIENT);
      // Alternate quarters so drift in the server (compaction, GC, other load) hits both paths alike.
      const quarter = Math.ceil(REQUESTS_PER_CLIENT / 4);
      const logFrom = LOG_STATEMENTS ? fs.statSync(logFile).size : 0;
      await statementLog(true);
      const apiRuns: Run[] = [];
      const dirRuns: Run[] = [];
      const hopRuns: Run[] = [];
      const hopProcessRuns: Run[] = [];
      for (let done = 0; done < REQUESTS_PER_CLIENT; done += quarter) {
        const n = Math.min(quarter, REQUESTS_PER_CLIENT - done);
        apiRuns.push(await apiPath(clients, n));
        dirRuns.push(await dirPath(clients, n));
        hopRuns.push(await hopPath(clients, n));
        hopProcessRuns.push(await hopProcessPath(clients, n));
      }
      await statementLog(false);
      const api = merge(apiRuns);
      const dir = merge(dirRuns);
      const hop = merge(hopRuns);
      const hopP = merge(hopProcessRuns);
      if (LOG_STATEMENTS) {
        const kinds = new Map<string, number>();
        // A statement's further lines are indented with a tab.
        const text = fs.readFileSync(logFile, 'utf8').slice(logFrom).replace(/\n\t/g, ' ');
        for (const m of text.matchAll(/(?:statement|execute [^:]*): (.{0,140})/g)) {
          const kind = m[1]!.replace(/\s+/g, ' ').replace(/\$\d+/g, '$').trim().slice(0, 100);
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        }
        const updates = api.samples.length + dir.samples.length + hop.samples.length + hopP.samples.length;
        console.log(`statements per update (all paths, ${updates} updates):`);
        for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 15))
          console.log(`  ${(n / updates).toFixed(3).padStart(7)}  ${kind}`);
      }
      const thr = (r: Run) => (r.samples.length * 1000) / r.wallMs;
      const row = (name: string, r: Run) =>
        [
          String(clients).padStart(7),
          name.padEnd(6),
          String(r.samples.length).padStart(4),
          ...[50, 95, 99].map((p) => percentile(r.samples, p).toFixed(1).padStart(5)),
          thr(r).toFixed(0).padStart(5),
          `${(r.appCpuMs / r.samples.length).toFixed(1).padStart(5)} ms`,
          `${(r.dbCpuMs / r.samples.length).toFixed(1).padStart(4)} ms`,
          (r.dbCommits / r.samples.length).toFixed(2).padStart(5),
          `${(r.boxCpuMs / r.samples.length).toFixed(1).padStart(4)} ms`,
          ...(r.failed > 0 ? [`${r.failed} failed`] : []),
        ].join(' | ');
      console.log(row('direct', dir));
      const ratio = percentile(api.samples, 99) / percentile(dir.samples, 99);
      const diff = percentile(api.samples, 99) - percentile(dir.samples, 99);
      const thrRatio = thr(api) / thr(dir);
      const ok =
        (ratio <= 1.25 || diff <= 5) && thrRatio >= 0.9 && api.failed === 0
          ? 'meets target'
          : 'MISSES target';
      const vsDirect = (r: Run) =>
        `${(percentile(r.samples, 99) / percentile(dir.samples, 99)).toFixed(2).padStart(12)} | ${(thr(r) / thr(dir)).toFixed(2).padStart(12)}`;
      // The hop's app CPU is the worker's alone (its HTTP and client run in this process).
      console.log(`${row('hop', hop)} | ${vsDirect(hop)}`);
      // hop-p's app CPU is the worker's and the hop process's.
      console.log(`${row('hop-p', hopP)} | ${vsDirect(hopP)}`);
      console.log(`${row('api', api)} | ${vsDirect(api)}`);
      summary.push(
        `${clients} clients: p99 API/direct ${ratio.toFixed(2)}x (${diff >= 0 ? '+' : ''}${diff.toFixed(1)} ms), throughput ${thrRatio.toFixed(2)}x (${ok}: p99 <= 1.25x or <= +5 ms, throughput >= 0.9x); the bare HTTP hop alone: p99 ${(percentile(hop.samples, 99) / percentile(dir.samples, 99)).toFixed(2)}x, throughput ${(thr(hop) / thr(dir)).toFixed(2)}x; in a process of its own: p99 ${(percentile(hopP.samples, 99) / percentile(dir.samples, 99)).toFixed(2)}x, throughput ${(thr(hopP) / thr(dir)).toFixed(2)}x`,
      );
    }
    console.log(summary.join('\n'));
    hopServer.close();
    hopProcess.stop();
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
