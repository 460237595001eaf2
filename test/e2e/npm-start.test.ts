// Starts the product the way README does (`npm start`, embedded defaults: Temporal dev server
// persisted to the data folder, embedded PostgreSQL, local outbox) and drives the walking
// skeleton over HTTP; then restarts it on the same data and finds everything still there, also
// after a kill -9 of the app (which must take its PostgreSQL server with it).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/lib/pg-cluster';
import { childrenOf, cmdlineOf, isAlive } from '../support/processes';
import { demoOpportunityId } from '../../src/demo/seed-demo';

const ROOT = path.resolve(__dirname, '../..');
jest.setTimeout(300_000);

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function npmStart(env: Record<string, string>): Started {
  let out = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // 'close', not 'exit': npm may exit before its output is read, and the app's last lines
  // ("stopping", "stopped cleanly") were lost that way on a loaded CI machine.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  started: Started,
  timeoutMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (started.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`${what}: not reached. Output:\n${started.output().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Ctrl-C as a terminal sends it: SIGINT to the whole process group. */
async function stop(started: Started, dataDir: string): Promise<void> {
  process.kill(-started.child.pid!, 'SIGINT');
  const timer = setTimeout(() => process.kill(-started.child.pid!, 'SIGKILL'), 60_000);
  await started.exited;
  clearTimeout(timer);
  expect(started.output()).toMatch(/"msg":"stopped cleanly"/);
  // Nothing is left running: no dev server on this data folder.
  expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(dataDir);
}

describe('npm start (embedded defaults)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-e2e-'));
  let env: Record<string, string>;
  let base: string;
  let repToken: string;
  let id: string;

  beforeAll(async () => {
    const [port, temporalPort, uiPort, pgPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    env = {
      DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      EMBEDDED_PG_PORT: String(pgPort),
      TEMPORAL_ADDRESS: '',
      DATABASE_URL: '',
      SMTP_URL: '',
    };
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('runs the walking skeleton, stops cleanly on Ctrl-C, and keeps deals across a restart', async () => {
    const first = npmStart(env);
    try {
      const health = await waitFor(
        'healthy',
        async () => {
          const res = await fetch(`${base}/health`);
          return res.status === 200
            ? ((await res.json()) as { parts: Record<string, { status: string }> })
            : undefined;
        },
        first,
      );
      expect(Object.keys(health.parts).sort()).toEqual(['database', 'mail', 'temporal', 'worker']);

      const output = await waitFor(
        'demo tokens printed',
        async () => (/demo deals created/.test(first.output()) ? first.output() : undefined),
        first,
      );
      const tokenLine = output.split('\n').find((l) => l.includes('zhang.rep@demo.psm'))!;
      repToken = /psm_[A-Za-z0-9_-]+/.exec(tokenLine)![0];
      expect(output.match(/psm_[A-Za-z0-9_-]{20,}/g)).toHaveLength(8);

      const auth = { Authorization: `Bearer ${repToken}`, 'Content-Type': 'application/json' };
      expect((await fetch(`${base}/api/opportunities`)).status).toBe(401);

      const created = await fetch(`${base}/api/opportunities`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name: 'E2E deal', account: 'E2E Account Ltd', amount: 250000 }),
      });
      expect(created.status).toBe(201);
      id = ((await created.json()) as { id: string }).id;
      expect(created.headers.get('location')).toBe(`/api/opportunities/${id}`);

      const state = (await (await fetch(`${base}/api/opportunities/${id}`, { headers: auth })).json()) as {
        id: string;
        name: string;
        status: string;
      };
      expect(state).toMatchObject({ id, name: 'E2E deal', status: 'open' });

      const listed = await waitFor(
        'projected to the read model',
        async () => {
          const body = (await (await fetch(`${base}/api/opportunities`, { headers: auth })).json()) as {
            opportunities: { id: string }[];
          };
          return body.opportunities.some((o) => o.id === id) ? body : undefined;
        },
        first,
      );
      // The rep sees their own deals only: E2E deal plus the demo deals owned by zhang.rep.
      expect(listed.opportunities.map((o) => o.id)).toEqual(
        expect.arrayContaining([id, demoOpportunityId(1), demoOpportunityId(2)]),
      );
      expect(listed.opportunities.map((o) => o.id)).not.toContain(demoOpportunityId(3));
      // A demo deal opens like any other (its id has the shape the API's id check accepts).
      const demoDeal = await fetch(`${base}/api/opportunities/${demoOpportunityId(1)}`, { headers: auth });
      expect(demoDeal.status).toBe(200);
    } finally {
      await stop(first, dataDir);
    }
    expect(first.output()).toMatch(/stopping/);
    expect(first.output()).toMatch(/"engine":"postgres"[^\n]*"msg":"database ready"/);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

    const second = npmStart(env);
    try {
      await waitFor(
        'healthy again',
        async () => ((await fetch(`${base}/health`)).status === 200 ? true : undefined),
        second,
      );
      const auth = { Authorization: `Bearer ${repToken}` };
      const res = await fetch(`${base}/api/opportunities/${id}`, { headers: auth });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('open');
      expect(second.output()).not.toMatch(/Demo organisation created/);
    } finally {
      await stop(second, dataDir);
    }
  });

  it('a kill -9 of the app takes its PostgreSQL and Temporal servers with it, and a re-run finds the deals', async () => {
    const started = npmStart(env);
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    let server = 0;
    try {
      await waitFor(
        'healthy',
        async () => ((await fetch(`${base}/health`)).status === 200 ? true : undefined),
        started,
      );
      server = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      const app = Number(fs.readFileSync(`/proc/${server}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      expect(fs.readFileSync(`/proc/${app}/cmdline`, 'utf8')).toContain('main.ts');
      const temporal = childrenOf(app).find((pid) => cmdlineOf(pid).includes('start-dev'));
      expect(temporal).toBeDefined();
      process.kill(app, 'SIGKILL'); // the app only: no signal reaches the servers from us
      const deadline = Date.now() + 15_000;
      while ((isAlive(server) || isAlive(temporal!)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(isAlive(server)).toBe(false);
      expect(isAlive(temporal!)).toBe(false);
    } finally {
      // npm, tsx and the Temporal dev server are left to clean up (as a closed terminal would)
      try {
        process.kill(-started.child.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
      await started.exited;
    }
    expect(fs.existsSync(pidFile)).toBe(true); // stale: the next start must cope

    const again = npmStart(env);
    try {
      await waitFor(
        'healthy after kill -9',
        async () => ((await fetch(`${base}/health`)).status === 200 ? true : undefined),
        again,
      );
      const res = await fetch(`${base}/api/opportunities/${id}`, {
        headers: { Authorization: `Bearer ${repToken}` },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('open');
    } finally {
      await stop(again, dataDir);
    }
  });

  it('fails fast with one line naming the variable for bad configuration', async () => {
    const linkSecret = randomBytes(32).toString('base64');
    const cases: [Record<string, string>, RegExp][] = [
      [
        { TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: process.env.TEST_PG_URL!, LINK_SECRET: linkSecret },
        /^psm: cannot start: TEMPORAL_ADDRESS: /m,
      ],
      [
        { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none', LINK_SECRET: linkSecret },
        /^psm: cannot start: DATABASE_URL: /m,
      ],
      [{ DATABASE_URL: process.env.TEST_PG_URL! }, /^psm: cannot start: LINK_SECRET: is required/m],
      [
        { LINK_SECRET: 'change-me-to-a-long-random-secret-of-32-chars' },
        /^psm: cannot start: LINK_SECRET: is a published or placeholder value/m,
      ],
      [{ DATABASE_URL: 'mysql://x' }, /^psm: cannot start: DATABASE_URL: must be a postgres/m],
      [{ PORT: 'eighty' }, /^psm: cannot start: PORT: /m],
    ];
    for (const [overrides, expected] of cases) {
      const started = npmStart({ ...env, ...overrides });
      const code = await started.exited;
      expect({ code, output: started.output().trim() }).toEqual({
        code: 1,
        output: expect.stringMatching(expected),
      });
      expect(started.output()).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('fails fast when the port is already in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(Number(env.PORT), '127.0.0.1', () => r()));
    try {
      const started = npmStart(env);
      expect(await started.exited).toBe(1);
      expect(started.output()).toMatch(
        /^psm: cannot start: PORT: port \d+ on 127\.0\.0\.1 is already in use/m,
      );
    } finally {
      blocker.close();
    }
  });
});
