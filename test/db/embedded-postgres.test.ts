// The embedded databases, started for real in a temporary DATA_DIR, migrated, written to.
// PGlite (EMBEDDED_DB=pglite, and DATA_DIRs that already hold one) trusts every connection, so
// nobody but this OS user may reach it: no TCP listener, a Unix socket in an owner-only folder,
// owner-only data files. PostgreSQL (the default) runs as its own user (as root: `postgres` or
// `nobody`), on a Unix socket only, with a generated password, and dies with the app.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { LINK_SECRET_FILE } from '../../src/links/secret';
import { makeTreePrivate } from '../../src/paths';
import { isAlive } from '../support/processes';

/** Nothing answers on the loopback TCP port, whatever the password. */
async function expectNoTcpListener(port: number, password?: string): Promise<void> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    ...(password === undefined ? {} : { password }),
    database: 'postgres',
    connectionTimeoutMillis: 3000,
  });
  client.on('error', () => undefined);
  await expect(client.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
}

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
const startEngine = (engine: string | undefined, dataDir: string, port: number, ...extra: string[]) =>
  spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'embedded-postgres-child.ts'), dataDir, String(port), ...extra],
    {
      cwd: path.resolve(__dirname, '../..'),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, EMBEDDED_DB: engine ?? '' },
    },
  );
const startChild = (dataDir: string, port: number, ...extra: string[]) =>
  startEngine('pglite', dataDir, port, ...extra);

describe('embedded PGlite (EMBEDDED_DB=pglite) and DATA_DIR', () => {
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
    await expectNoTcpListener(port, 'wrong-password');
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

  it('keeps PGlite by default for a DATA_DIR that holds a PGlite database, saying so in one line', async () => {
    child = startEngine(undefined, dataDir, port, 'existing');
    output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const started = JSON.parse(await nextLine(/^\{"url"/)) as { engine: string; notice: string };
    expect(started.engine).toBe('pglite');
    expect(started.notice).toMatch(/holds a PGlite database, so PGlite keeps serving it/);
    expect(started.notice).toMatch(/pg_dump/);
    expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
    child.stdin!.write('stop\n');
    await nextLine(/^stopped$/);
  });
});

/** Runs a small node script as another uid (only possible when we are root). */
function asUid(uid: number, script: string): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, ['-e', script], {
    uid,
    gid: uid === 65534 ? 65534 : uid,
    encoding: 'utf8',
    timeout: 15_000,
    cwd: os.tmpdir(),
  });
  return { status: r.status, stdout: r.stdout.trim() };
}
const PG_MODULE = JSON.stringify(require.resolve('pg'));
const STRANGER = 54321; // a uid with no account: neither ours nor the server's

const postmasterPid = (dataDir: string): number =>
  Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

describe('embedded PostgreSQL (the default) and DATA_DIR', () => {
  let parent: string;
  let dataDir: string;
  let port: number;
  let child: ChildProcess;
  let db: { url: string; engine: string };
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
  const start = async (...extra: string[]) => {
    child = startEngine(undefined, dataDir, port, ...extra);
    output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    return JSON.parse(await nextLine(/^\{"url"/)) as { url: string; engine: string };
  };
  const socketDir = () => path.join(dataDir, 'run');

  beforeAll(async () => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-private-'));
    fs.chmodSync(parent, 0o755);
    dataDir = path.join(parent, 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.writeFileSync(path.join(dataDir, 'left-over.log'), 'x', { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, 'left-over.log'), 0o644);
    port = await freePort();
    db = await start();
  }, 120_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('is PostgreSQL in DATA_DIR/postgres, owned by the server user, others shut out', () => {
    expect(db.engine).toBe('postgres');
    const pgDir = path.join(dataDir, 'postgres');
    expect(fs.readFileSync(path.join(pgDir, 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
    expect(modeOf(pgDir)).toBe(0o700);
    expect(modeOf(socketDir())).toBe(0o700);
    // traverse only for the server's user: nobody may list DATA_DIR
    expect(modeOf(dataDir)).toBe(isRoot ? 0o711 : 0o700);
    if (isRoot) {
      const owner = fs.statSync(pgDir).uid;
      expect(owner).not.toBe(0);
      expect(fs.statSync(socketDir()).uid).toBe(owner);
      expect(fs.statSync(path.join(dataDir, 'postgres-password')).uid).toBe(0);
    }
    expect(modeOf(path.join(dataDir, 'postgres-password'))).toBe(0o600);
    expect(modeOf(path.join(dataDir, LINK_SECRET_FILE))).toBe(0o600);
    expect(modeOf(path.join(dataDir, 'left-over.log'))).toBe(0o600);
    expect(looseUnder(dataDir)).toEqual([]);
  });

  it('keeps DATA_DIR traversable and the server folders its own when the app makes DATA_DIR private again', async () => {
    const pgDir = path.join(dataDir, 'postgres');
    const owner = fs.statSync(pgDir).uid;
    makeTreePrivate(dataDir); // every start (and the link secret) runs it before the database
    expect(modeOf(dataDir)).toBe(isRoot ? 0o711 : 0o700);
    expect(fs.statSync(pgDir).uid).toBe(owner);
    expect(fs.statSync(socketDir()).uid).toBe(owner);
    expect(looseUnder(dataDir)).toEqual([]);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE after_private (x int)'); // the server still reaches its files
    await client.query('DROP TABLE after_private');
    await client.end();
  });

  it('listens on no TCP port', async () => {
    await expectNoTcpListener(port);
  });

  it('serves the app on the Unix socket in DATA_DIR with its password', async () => {
    expect(db.url).toContain(encodeURIComponent(socketDir()));
    expect(fs.statSync(path.join(socketDir(), `.s.PGSQL.${port}`)).isSocket()).toBe(true);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ email: string }>('SELECT email FROM "User"');
    await client.end();
    expect(rows.map((r) => r.email)).toEqual(['keeper@private.test']);
  });

  it('refuses a wrong password on the socket', async () => {
    const client = new Client({
      host: socketDir(),
      port,
      user: 'postgres',
      password: 'wrong-password',
      database: 'postgres',
    });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  (isRoot ? it : it.skip)("refuses the server user's own other processes without the password", () => {
    const owner = fs.statSync(path.join(dataDir, 'postgres')).uid;
    const r = asUid(
      owner,
      `const { Client } = require(${PG_MODULE}); const c = new Client({ host: ${JSON.stringify(socketDir())}, port: ${port}, user: 'postgres', password: 'guess', database: 'postgres' }); c.connect().then(() => { console.log('CONNECTED'); process.exit(0); }, (e) => { console.log(e.code); process.exit(0); });`,
    );
    expect(r).toEqual({ status: 0, stdout: '28P01' });
    // ...and it cannot read the password
    const read = asUid(
      owner,
      `try { require('fs').readFileSync(${JSON.stringify(path.join(dataDir, 'postgres-password'))}); console.log('READ'); } catch (e) { console.log(e.code); }`,
    );
    expect(read).toEqual({ status: 0, stdout: 'EACCES' });
  });

  (isRoot ? it : it.skip)(
    'refuses any other local user: no socket, no data file, no secret, no listing',
    () => {
      const socket = path.join(socketDir(), `.s.PGSQL.${port}`);
      expect(
        asUid(
          STRANGER,
          `require('net').connect(${JSON.stringify(socket)}).on('connect', () => { console.log('CONNECTED'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); });`,
        ),
      ).toEqual({ status: 0, stdout: 'EACCES' });
      for (const file of [
        path.join(dataDir, LINK_SECRET_FILE),
        path.join(dataDir, 'postgres-password'),
        path.join(dataDir, 'postgres', 'PG_VERSION'),
      ]) {
        expect(
          asUid(
            STRANGER,
            `try { require('fs').readFileSync(${JSON.stringify(file)}); console.log('READ'); } catch (e) { console.log(e.code); }`,
          ),
        ).toEqual({ status: 0, stdout: 'EACCES' });
      }
      expect(
        asUid(
          STRANGER,
          `try { require('fs').readdirSync(${JSON.stringify(dataDir)}); console.log('LISTED'); } catch (e) { console.log(e.code); }`,
        ),
      ).toEqual({ status: 0, stdout: 'EACCES' });
    },
  );

  it('refuses a second app on the same DATA_DIR while the first runs', async () => {
    const second = startEngine(undefined, dataDir, port, 'existing');
    let err = '';
    second.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/another process already serves this database/);
    expect(isAlive(postmasterPid(dataDir))).toBe(true);
  });

  it('dies with the app on kill -9, and the next start recovers the data', async () => {
    const server = postmasterPid(dataDir);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    for (let i = 0; i < 100 && isAlive(server); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(server)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true); // stale

    const { url } = await start('existing');
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM "User"');
    await client.end();
    expect(rows[0]!.n).toBe('1');
  }, 120_000);

  it('starts over a stale postmaster.pid whose pid now belongs to another program', async () => {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 1000));
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
    // A live process of the server's own user, not a PostgreSQL server: PostgreSQL alone would
    // take it for a running postmaster and refuse to start.
    const owner = fs.statSync(path.join(dataDir, 'postgres')).uid;
    const reused = spawn(
      'sleep',
      ['60'],
      isRoot ? { uid: owner, gid: fs.statSync(path.join(dataDir, 'postgres')).gid } : {},
    );
    lines[0] = String(reused.pid);
    fs.writeFileSync(pidFile, lines.join('\n'));
    try {
      await start('existing');
    } finally {
      reused.kill('SIGKILL');
    }
    child.stdin!.write('stop\n');
    await nextLine(/^stopped$/);
    expect(fs.existsSync(pidFile)).toBe(false);
    expect(fs.existsSync(path.join(socketDir(), `.s.PGSQL.${port}`))).toBe(false);
  }, 120_000);
});
