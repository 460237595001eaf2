// The split deployment the fault suite breaks: a real PostgreSQL cluster, a Temporal dev server
// persisted to a file (so it can be killed and restarted), an SMTP receiver, two API processes and
// two worker processes (`src/main.ts --role=api|worker`), all on 127.0.0.1. Every child process is
// tracked and killed on stop, on Ctrl-C and on any exit of this process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { openConnection } from '../../../src/temporal/connect';
import { Pool } from 'pg';
import { startAppProcess, type AppProcess } from '../../../bench/lib/stack';
import { freePort, startPgCluster, type PgCluster } from '../../../scripts/lib/pg-cluster';
import { startDevServer, type DevServer } from '../../../src/temporal/dev-server';
import { migrate } from '../../../src/db/migrate';
import { createPrismaClient } from '../../../src/db/prisma';
import { issueApiToken } from '../../../src/auth/api-tokens';
import { projectRoot } from '../../../src/paths';
import { startMailSink, type MailSink } from './mail-sink';
import { crashPostgres, restartPostgres } from './pg-outage';

export type PartName = 'api-1' | 'api-2' | 'worker-1' | 'worker-2';

export interface Deployment {
  dir: string;
  pg: PgCluster;
  /** For the suite's own checks; survives database restarts (the pool reconnects). */
  db: Pool;
  temporal: Client;
  mail: MailSink;
  apis: string[];
  tokens: { rep: string; manager: string };
  parts: Map<PartName, AppProcess | undefined>;
  kill9(part: PartName): Promise<void>;
  /** Which part has a TCP connection from this local port open (e.g. an SMTP client socket). */
  partOnPort(localPort: number): PartName | undefined;
  /** Starts a part that is down (after a kill); a no-op when it runs. */
  revive(part: PartName): Promise<void>;
  crashDatabase(): void;
  restartDatabase(): void;
  killTemporal(): Promise<void>;
  restartTemporal(): Promise<void>;
  stop(): Promise<void>;
}

const cleanups = new Set<() => void>();
let exitHooked = false;
function onAnyExit(fn: () => void): () => void {
  cleanups.add(fn);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => {
      for (const c of cleanups) c();
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => process.exit(130));
    }
  }
  return () => cleanups.delete(fn);
}

export async function startDeployment(log: (line: string) => void): Promise<Deployment> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-fault-'));
  const pg = await startPgCluster();
  const forgetPg = onAnyExit(() => pg.stop());
  await migrate(pg.url);

  const temporalPort = await freePort();
  const temporalDb = path.join(dir, 'temporal.db');
  const startTemporal = () =>
    startDevServer({
      cliPath: path.join(projectRoot(), '.tools/venv/bin/temporal'),
      port: temporalPort,
      dbFile: temporalDb,
      logFile: path.join(dir, 'temporal.log'),
    });
  let temporalServer: DevServer = await startTemporal();
  const killTemporalOnExit = () => temporalServer.process.kill('SIGKILL');
  const forgetTemporal = onAnyExit(killTemporalOnExit);

  const mail = await startMailSink(await freePort());
  const apiPorts = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: temporalServer.address,
    SMTP_URL: mail.url,
    MAIL_FROM: 'PSM Fault <psm@fault.test>',
    DATA_DIR: dir,
    DEMO_SEED: 'false',
    LOG_LEVEL: 'warn',
    LINK_SECRET: randomBytes(32).toString('hex'),
    API_RATE_LIMIT_PER_MINUTE: '1000000',
  };

  const parts = new Map<PartName, AppProcess | undefined>();
  const startPart = async (part: PartName) => {
    const api = part.startsWith('api');
    const port = api ? apiPorts[part === 'api-1' ? 0 : 1]! : undefined;
    const started = Date.now();
    const proc = await startAppProcess(
      { ...env, ...(port ? { PORT: String(port) } : { PORT: String(apiPorts[0]) }) },
      { role: api ? 'api' : 'worker', logFile: path.join(dir, `${part}.log`), readyTimeoutMs: 180_000 },
    );
    const forget = onAnyExit(() => process.kill(proc.pid, 'SIGKILL'));
    void proc.exited.then(forget);
    parts.set(part, proc);
    log(`  ${part} up (pid ${proc.pid}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  };
  // One at a time: on two cores, four tsx start-ups at once take longer than in a row.
  for (const part of ['worker-1', 'worker-2', 'api-1', 'api-2'] as const) await startPart(part);

  const prisma = createPrismaClient(pg.url);
  const manager = await prisma.user.create({
    data: { name: 'Fault Manager', email: 'fault.manager@fault.test', role: 'manager', locale: 'en' },
  });
  const rep = await prisma.user.create({
    data: {
      name: 'Fault Rep',
      email: 'fault.rep@fault.test',
      role: 'rep',
      managerId: manager.id,
      locale: 'en',
    },
  });
  const tokens = {
    rep: (await issueApiToken(prisma, { userId: rep.id, label: 'fault' })).token,
    manager: (await issueApiToken(prisma, { userId: manager.id, label: 'fault' })).token,
  };
  await prisma.$disconnect();

  const db = new Pool({ connectionString: pg.url, max: 2 });
  db.on('error', () => undefined);
  const connection = await openConnection({ address: temporalServer.address });

  return {
    dir,
    pg,
    db,
    temporal: new Client({ connection }),
    mail,
    apis: apiPorts.map((p) => `http://127.0.0.1:${p}`),
    tokens,
    parts,
    async kill9(part) {
      await parts.get(part)?.kill9();
      parts.set(part, undefined);
    },
    partOnPort(localPort) {
      const out = spawnSync('ss', ['-tnpH', 'state', 'established', `( sport = :${localPort} )`], {
        encoding: 'utf8',
      }).stdout;
      const pids = [...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
      return [...parts].find(([, p]) => p && pids.includes(p.pid))?.[0];
    },
    async revive(part) {
      if (!parts.get(part)) await startPart(part);
    },
    crashDatabase: () => crashPostgres(pg),
    restartDatabase: () => restartPostgres(pg),
    async killTemporal() {
      const exited = new Promise((r) => temporalServer.process.once('exit', r));
      temporalServer.process.kill('SIGKILL');
      await exited;
    },
    async restartTemporal() {
      temporalServer = await startTemporal();
    },
    async stop() {
      // A clean stop first; a part that hangs on it is killed after 15 s.
      await Promise.all(
        [...parts.values()].map(async (p) => {
          if (!p) return;
          const timer = setTimeout(() => void p.kill9(), 15_000);
          await p.stop().catch(() => undefined);
          clearTimeout(timer);
        }),
      );
      await connection.close().catch(() => undefined);
      await db.end().catch(() => undefined);
      await mail.down();
      await temporalServer.stop();
      forgetTemporal();
      pg.stop();
      forgetPg();
      if (!process.env.FAULT_KEEP_DIR) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
