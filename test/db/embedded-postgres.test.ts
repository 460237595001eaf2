// The embedded database trusts every connection (PGlite has no authentication), so nobody but
// this OS user may reach it: no TCP listener, a Unix socket in an owner-only folder, owner-only
// data files. Started for real in a temporary DATA_DIR, migrated, written to.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { LINK_SECRET_FILE } from '../../src/links/secret';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;
/** Every path under `dir` whose mode lets group or others in, with its mode. */
function looseUnder(dir: string): string[] {
  const loose: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSocket() || e.isSymbolicLink()) continue;
      if (modeOf(p) & 0o077) loose.push(`${path.relative(dir, p)} ${modeOf(p).toString(8)}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return loose;
}

/** Runs a small node script as the unprivileged user `nobody` (only possible when we are root). */
function asNobody(script: string): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, ['-e', script], {
    uid: 65534,
    gid: 65534,
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { status: r.status, stdout: r.stdout.trim() };
}
const isRoot = process.getuid?.() === 0;

/** The child runs in node itself (not a tsx wrapper process), so SIGKILL really kills the server. */
const startChild = (dataDir: string, port: number, ...extra: string[]) =>
  spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'embedded-postgres-child.ts'), dataDir, String(port), ...extra],
    {
      cwd: path.resolve(__dirname, '../..'),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );

describe('embedded PostgreSQL and DATA_DIR', () => {
  let parent: string;
  let dataDir: string;
  let port: number;
  let child: ChildProcess;
  let db: { url: string };
  let output = '';
  const nextLine = (match: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = output.split('\n').find((l) => match.test(l));
        if (line) resolve(line);
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => reject(new Error(`child exited ${code}: ${output}`)));
      check();
    });

  beforeAll(async () => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-private-'));
    fs.chmodSync(parent, 0o755); // as a home folder would be: others may pass through
    dataDir = path.join(parent, 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 }); // as older versions created it
    fs.writeFileSync(path.join(dataDir, 'left-over.log'), 'x', { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, 'left-over.log'), 0o644);
    port = await freePort();
    child = startChild(dataDir, port);
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    db = JSON.parse(await nextLine(/^\{"url"/)) as { url: string };
  }, 120_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('makes DATA_DIR and everything in it owner-only (folders 0700, files 0600)', async () => {
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'left-over.log'))).toBe(0o600);
    expect(modeOf(path.join(dataDir, LINK_SECRET_FILE))).toBe(0o600);
    expect(modeOf(path.join(dataDir, 'pg'))).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(0o600);
    expect(looseUnder(dataDir)).toEqual([]);
  });

  it('listens on no TCP port: a client with a wrong (or any) password is refused', async () => {
    const client = new Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password: 'wrong-password',
      database: 'postgres',
      connectionTimeoutMillis: 3000,
    });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('serves this OS user on a Unix socket inside DATA_DIR', async () => {
    expect(db.url).toContain(encodeURIComponent(path.join(dataDir, 'run')));
    const socket = path.join(dataDir, 'run', `.s.PGSQL.${port}`);
    expect(fs.statSync(socket).isSocket()).toBe(true);
    expect(modeOf(path.join(dataDir, 'run'))).toBe(0o700);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ email: string }>('SELECT email FROM "User"');
    await client.end();
    expect(rows.map((r) => r.email)).toEqual(['keeper@private.test']);
  });

  (isRoot ? it : it.skip)('refuses another local user: no socket connection, no file read', () => {
    const socket = path.join(dataDir, 'run', `.s.PGSQL.${port}`);
    const connect = asNobody(
      `require('net').connect(${JSON.stringify(socket)}).on('connect', () => { console.log('CONNECTED'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); });`,
    );
    expect(connect).toEqual({ status: 0, stdout: 'EACCES' });
    for (const file of [path.join(dataDir, LINK_SECRET_FILE), path.join(dataDir, 'pg', 'PG_VERSION')]) {
      const read = asNobody(
        `try { require('fs').readFileSync(${JSON.stringify(file)}); console.log('READ'); } catch (e) { console.log(e.code); }`,
      );
      expect(read).toEqual({ status: 0, stdout: 'EACCES' });
    }
  });

  it('refuses a second server on the same DATA_DIR while the first runs', async () => {
    const second = startChild(dataDir, port);
    let err = '';
    second.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/another process already serves this database/);
  });

  it('stops cleanly, removing its socket and leaving owner-only files', async () => {
    child.stdin!.write('stop\n');
    await nextLine(/^stopped$/);
    expect(fs.existsSync(path.join(dataDir, 'run', `.s.PGSQL.${port}`))).toBe(false);
    expect(looseUnder(dataDir)).toEqual([]);
  });

  it('starts again after a crash that left its socket file behind', async () => {
    // SIGKILL: no clean stop, so the socket file stays.
    child = startChild(dataDir, port, 'existing');
    output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await nextLine(/^\{"url"/);
    const socket = path.join(dataDir, 'run', `.s.PGSQL.${port}`);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(fs.existsSync(socket)).toBe(true);

    child = startChild(dataDir, port, 'existing');
    output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const { url } = JSON.parse(await nextLine(/^\{"url"/)) as { url: string };
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM "User"');
    await client.end();
    expect(rows[0]!.n).toBe('1');
    child.stdin!.write('stop\n');
    await nextLine(/^stopped$/);
  });
});
