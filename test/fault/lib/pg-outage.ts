// A real database outage: the PostgreSQL cluster stops as if it crashed (immediate mode: no
// checkpoint, every connection cut) and starts again later on the same port with the same data.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { PgCluster } from '../../../scripts/lib/pg-cluster';

function pgCtl(cluster: PgCluster, args: string[]): void {
  // The cluster says which account owns it when it knows (not root: PostgreSQL refuses root).
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const runAs =
    (cluster as { runAs?: string[] }).runAs ?? (isRoot ? ['runuser', '-u', 'postgres', '--'] : []);
  const argv = [path.join(cluster.binDir, 'pg_ctl'), '-D', path.join(cluster.dir, 'data'), ...args];
  const [cmd, ...rest] = [...runAs, ...argv];
  const result = spawnSync(cmd!, rest, { encoding: 'utf8', cwd: os.tmpdir() });
  if (result.status !== 0)
    throw new Error(`pg_ctl ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
}

export function crashPostgres(cluster: PgCluster): void {
  pgCtl(cluster, ['-m', 'immediate', 'stop']);
}

/** The same options scripts/lib/pg-cluster.ts starts the cluster with. */
export function restartPostgres(cluster: PgCluster): void {
  pgCtl(cluster, [
    '-l',
    path.join(cluster.dir, 'server.log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${cluster.port} -k ${cluster.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ]);
}
