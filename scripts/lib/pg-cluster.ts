// A throwaway PostgreSQL cluster from the Debian server binaries, for tests, checks and benches.
// initdb refuses to run as root, so as root it runs as the `postgres` system user.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PgCluster {
  url: string;
  port: number;
  dir: string;
  binDir: string;
  stop(): void;
}

export function findPostgresBinDir(): string {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv && fs.existsSync(path.join(fromEnv, 'initdb'))) return fromEnv;
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
    : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) {
    throw new Error('PostgreSQL server binaries not found: apt-get install postgresql, or set PG_BIN_DIR');
  }
  return path.join(base, versions[0], 'bin');
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

function asPostgresUser(cmd: string, args: string[]): string[] {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
}

function run(argv: string[]): void {
  const [cmd, ...args] = argv;
  const result = spawnSync(cmd!, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${argv.join(' ')} failed: ${result.stderr || result.stdout}`);
  }
}

export async function startPgCluster(): Promise<PgCluster> {
  const binDir = findPostgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-pg-'));
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) execFileSync('chown', ['postgres', dir]);
  const dataDir = path.join(dir, 'data');
  run(
    asPostgresUser(path.join(binDir, 'initdb'), [
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
    asPostgresUser(path.join(binDir, 'pg_ctl'), [
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
    stop() {
      if (stopped) return;
      stopped = true;
      spawnSync(
        asPostgresUser(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop'])[0]!,
        asPostgresUser(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']).slice(1),
      );
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
