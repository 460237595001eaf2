// The real stack for benchmarks: a throwaway PostgreSQL cluster, an in-memory Temporal dev
// server and the application in-process, all on loopback; stop() removes everything.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startApplication } from '../../src/bootstrap/application';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';
import { startDevServer } from '../../src/temporal/dev-server';
import { freePort, startPgCluster } from '../../scripts/lib/pg-cluster';
import { projectRoot } from '../../src/paths';
import { migrate } from '../../src/db/migrate';

export interface BenchStack {
  baseUrl: string;
  config: Config;
  prisma: PrismaClient;
  client: Client;
  temporalAddress: string;
  /** The app's process id when it runs as a child process (withApp 'process'). */
  appPid?: number;
  /** The throwaway PostgreSQL cluster's directory (its server.log is there). */
  dbDir: string;
  stop(): Promise<void>;
}

/**
 * withApp 'process' runs the application as `npm start` does, in a child process, so a benchmark
 * client in this process does not share its event loop.
 */
export async function startBenchStack(opts: {
  withApp: boolean | 'process';
  env?: Record<string, string>;
  /** Extra node flags for the app process (withApp 'process'), e.g. --cpu-prof. */
  nodeArgs?: string[];
}): Promise<BenchStack> {
  const cluster = await startPgCluster();
  const server = await startDevServer({
    cliPath: path.join(projectRoot(), '.tools/venv/bin/temporal'),
    port: await freePort(),
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-bench-'));
  const port = await freePort();
  // The same settings whether the app runs in this process or as a child process.
  const env: Record<string, string> = {
    PORT: String(port),
    DATABASE_URL: cluster.url,
    TEMPORAL_ADDRESS: server.address,
    DATA_DIR: dataDir,
    DEMO_SEED: 'false',
    LOG_LEVEL: 'warn',
    LINK_SECRET: randomBytes(32).toString('hex'),
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    ...opts.env,
  };
  const config = loadConfig(env);
  if (opts.withApp !== true) await migrate(cluster.url);
  const app =
    opts.withApp === true
      ? await startApplication({ config, role: 'all', logger: createLogger('warn') })
      : opts.withApp === 'process'
        ? await startAppProcess(env, { nodeArgs: opts.nodeArgs })
        : undefined;
  const prisma = createPrismaClient(cluster.url);
  const connection = await Connection.connect({ address: server.address });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    prisma,
    client: new Client({ connection }),
    temporalAddress: server.address,
    dbDir: cluster.dir,
    ...(app && 'pid' in app ? { appPid: app.pid } : {}),
    async stop() {
      await app?.stop();
      await connection.close();
      await prisma.$disconnect();
      await server.stop();
      cluster.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface AppProcess {
  role: 'all' | 'api' | 'worker';
  pid: number;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<void>;
  /** SIGKILL, as a crash or an OOM kill would: no shutdown hook runs. */
  kill9(): Promise<void>;
  /** SIGTERM and wait: the clean shutdown `npm start` does on Ctrl-C. */
  stop(): Promise<void>;
}

/**
 * Runs the application as `npm start` does (`--role` as docker-compose does), in a child process.
 * Ready means: /health answers 200 (role all), the HTTP server answers at all (role api, whose
 * health also reports the worker), or the log says the worker polls (role worker).
 * logFile receives its stdout and stderr; without it they are inherited.
 */
export async function startAppProcess(
  env: Record<string, string>,
  opts: {
    role?: 'all' | 'api' | 'worker';
    logFile?: string;
    readyTimeoutMs?: number;
    /** Extra node flags (before the entry point), e.g. --cpu-prof. */
    nodeArgs?: string[];
  } = {},
): Promise<AppProcess> {
  const role = opts.role ?? 'all';
  const log = opts.logFile ? fs.openSync(opts.logFile, 'a') : undefined;
  // A restarted part appends to the same log: only what this process writes counts.
  const logStart = log !== undefined ? fs.fstatSync(log).size : 0;
  const args = [...(opts.nodeArgs ?? []), '--import', 'tsx', path.join(projectRoot(), 'src/main.ts')];
  if (role !== 'all') args.push(`--role=${role}`);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, ...(role === 'worker' && log !== undefined ? { LOG_LEVEL: 'info' } : {}) },
    stdio: ['ignore', log ?? 'inherit', log ?? 'inherit'],
  });
  if (log !== undefined) fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = async (): Promise<boolean> => {
    if (role === 'worker') {
      if (opts.logFile === undefined) return false;
      return fs.readFileSync(opts.logFile).subarray(logStart).toString('utf8').includes('"worker running"');
    }
    return fetch(`http://127.0.0.1:${env.PORT}/health`).then(
      (r) => r.ok || (role === 'api' && r.status === 503),
      () => false,
    );
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  while (!(await ready())) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app (${role}) did not become ready`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    role,
    pid: child.pid!,
    exited,
    kill9: () => kill('SIGKILL'),
    stop: () => kill('SIGTERM'),
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
/** bench/lib/hop-server.ts in a process of its own; it exits with this process (its stdin closes). */
export async function startHopProcess(
  temporalAddress: string,
  actorId: string,
): Promise<{ url: string; pid: number; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot(), 'bench/lib/hop-server.ts')],
    {
      env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, HOP_ACTOR_ID: actorId },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the hop process did not listen within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`the hop process exited (${code}) before it listened`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve((JSON.parse(line!) as { port: number }).port);
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () => child.stdin.end(),
  };
}

export function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = 100;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
