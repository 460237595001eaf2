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
  stop(): Promise<void>;
}

/**
 * withApp 'process' runs the application as `npm start` does, in a child process, so a benchmark
 * client in this process does not share its event loop.
 */
export async function startBenchStack(opts: {
  withApp: boolean | 'process';
  env?: Record<string, string>;
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
        ? await startAppProcess(env)
        : undefined;
  const prisma = createPrismaClient(cluster.url);
  const connection = await Connection.connect({ address: server.address });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    prisma,
    client: new Client({ connection }),
    temporalAddress: server.address,
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

async function startAppProcess(env: Record<string, string>): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'src/main.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://127.0.0.1:${env.PORT}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || i > 600) throw new Error('the app did not become healthy');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
