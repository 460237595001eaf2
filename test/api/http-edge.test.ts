// The HTTP edge: what an outage, an anonymous or abusive caller, a token in a URL and a strange id
// get, and what reaches the logs and caches.
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { captureLogs, startTestApp, type TestApp } from '../support/app';

/** A TCP proxy in front of PostgreSQL that a test can cut (a real outage, as the app sees it). */
async function startCuttableProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    async cut() {
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
    async restore() {
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    async close() {
      await this.cut();
    },
  };
}

let app: TestApp;
let proxy: Awaited<ReturnType<typeof startCuttableProxy>>;
const { logger, lines } = captureLogs();
const from = (address: string) => ({ 'X-Forwarded-For': address });

beforeAll(async () => {
  app = await startTestApp({
    env: { API_AUTH_FAILURES_PER_MINUTE: '5', HEALTH_RATE_LIMIT_PER_MINUTE: '5' },
    logger,
    appDatabaseUrl: async (direct) => {
      const url = new URL(direct);
      proxy = await startCuttableProxy({ host: url.hostname, port: Number(url.port) });
      url.port = String(proxy.port);
      return url.toString();
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await proxy?.close();
});

describe('a database outage (issue 9 item 3)', () => {
  it('answers 503 DATABASE_UNAVAILABLE with Retry-After, and /health says which part without the address', async () => {
    // A token the app has not seen yet: its look-up needs the database.
    const fresh = await app.api(app.org.admin, 'POST', `/api/users/${app.org.repA2.id}/tokens`, {
      label: 'outage',
      ttlDays: 1,
    });
    expect(fresh.status).toBe(201);
    await proxy.cut();
    try {
      const me = await app.api(
        { ...app.org.repA2, token: fresh.body.token },
        'GET',
        '/api/me',
        undefined,
        from('10.0.3.1'),
      );
      expect(me).toMatchObject({ status: 503, body: { error: { code: 'DATABASE_UNAVAILABLE' } } });
      expect(Number(me.headers.get('retry-after'))).toBeGreaterThan(0);
      // A token remembered from a moment ago passes; the query behind the route then fails the same way.
      const list = await app.api(app.org.admin, 'GET', '/api/opportunities');
      expect(list).toMatchObject({ status: 503, body: { error: { code: 'DATABASE_UNAVAILABLE' } } });

      const health = await fetch(`${app.baseUrl}/health`, { headers: from('10.0.3.2') });
      expect(health.status).toBe(503);
      const report = (await health.json()) as { parts: Record<string, Record<string, unknown>> };
      expect(report.parts.database).toEqual({ status: 'down' });
      const text = JSON.stringify(report);
      expect(text).not.toContain(String(proxy.port));
      expect(text).not.toMatch(/error|reach|127\.0\.0\.1/i);
    } finally {
      await proxy.restore();
    }
    expect((await app.api(app.org.repA2, 'GET', '/api/me')).status).toBe(200);
  });
});

describe('/health (item 19)', () => {
  it('gives timings and error texts to an admin only', async () => {
    const anon = (await (await fetch(`${app.baseUrl}/health`, { headers: from('10.0.4.1') })).json()) as {
      parts: Record<string, Record<string, unknown>>;
    };
    for (const part of Object.values(anon.parts)) expect(Object.keys(part)).toEqual(['status']);
    const rep = (await (
      await fetch(`${app.baseUrl}/health`, {
        headers: { ...from('10.0.4.1'), Authorization: `Bearer ${app.org.repA1.token}` },
      })
    ).json()) as { parts: Record<string, Record<string, unknown>> };
    for (const part of Object.values(rep.parts)) expect(Object.keys(part)).toEqual(['status']);
    const admin = (await (
      await fetch(`${app.baseUrl}/health`, {
        headers: { ...from('10.0.4.1'), Authorization: `Bearer ${app.org.admin.token}` },
      })
    ).json()) as { parts: Record<string, { ms?: number }> };
    expect(admin.parts.database!.ms).toEqual(expect.any(Number));
  });
});

describe('limits by address before authentication (item 14)', () => {
  it('refuses an anonymous large body with 401, not 413, and an authenticated one with 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(150_000), account: 'A', amount: 1 });
    const anon = await app.api(null, 'POST', '/api/opportunities', big, from('10.0.1.9'));
    expect(anon).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    const authed = await app.api(app.org.repA1, 'POST', '/api/opportunities', big);
    expect(authed).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });

  it('answers 429 with Retry-After to an address after too many failed token checks, before looking tokens up', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const bad = { ...app.org.repA1, token: `psm_guess${i}` };
      statuses.push((await app.api(bad, 'GET', '/api/me', undefined, from('10.0.1.1'))).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const refused = await app.api(app.org.repA1, 'GET', '/api/me', undefined, from('10.0.1.1'));
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await app.api(app.org.repA1, 'GET', '/api/me', undefined, from('10.0.1.2'))).status).toBe(200);
  });

  it('limits /health per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await fetch(`${app.baseUrl}/health`, { headers: from('10.0.2.1') })).status);
    }
    expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
    expect(statuses[5]).toBe(429);
    expect((await fetch(`${app.baseUrl}/health`, { headers: from('10.0.2.2') })).status).not.toBe(429);
  });
});

describe('tokens stay out of URLs, logs and caches (items 15, 17)', () => {
  it('refuses a token in the query string with 400 TOKEN_IN_QUERY and never logs it', async () => {
    const token = app.org.repB1.token;
    for (const p of [
      `/api/me?access_token=${token}`,
      `/api/opportunities?Access_Token=${token}`,
      `/health?token=${token}`,
    ]) {
      const res = await app.api(null, 'GET', p, undefined, from('10.0.5.1'));
      expect({ p, status: res.status, code: res.body?.error?.code }).toEqual({
        p,
        status: 400,
        code: 'TOKEN_IN_QUERY',
      });
    }
    await new Promise((r) => setTimeout(r, 100));
    const all = lines.join('');
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.slice(4, 24));
  });

  it('logs email-action URLs without their token, whatever the case of the path', async () => {
    const secrets = [`ZZsecret${randomUUID()}`, `YYsecret${randomUUID()}`];
    await fetch(`${app.baseUrl}/EMAIL-ACTIONS/${secrets[0]}`, { headers: from('10.0.6.1') });
    await fetch(`${app.baseUrl}/Email-Actions/${secrets[1]}?x=1`, { headers: from('10.0.6.1') });
    await new Promise((r) => setTimeout(r, 100));
    const all = lines.join('');
    expect(all).toMatch(/EMAIL-ACTIONS\/\[token\]/);
    for (const s of secrets) expect(all).not.toContain(s);
  });

  it('marks every /api answer no-store, the ones carrying a new token above all', async () => {
    const issued = await app.api(app.org.repA1, 'POST', `/api/users/${app.org.repA1.id}/tokens`, {
      label: 'cache',
      ttlDays: 1,
    });
    expect(issued.status).toBe(201);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect((await app.api(app.org.repA1, 'GET', '/api/me')).headers.get('cache-control')).toBe('no-store');
    expect(
      (await app.api(null, 'GET', '/api/me', undefined, from('10.0.7.1'))).headers.get('cache-control'),
    ).toBe('no-store');
  });
});

describe('opportunity ids (item 22)', () => {
  it('answers 404 for ids that are no opportunity: malformed, with NUL, unknown, another workflow type', async () => {
    const other = `opp-${randomUUID()}`;
    const handle = await app.client.workflow.start('weeklyReport', {
      workflowId: other,
      taskQueue: app.taskQueue,
      args: [{}],
    });
    await handle.result();
    for (const id of [
      'weekly-report-x',
      '%00',
      'opp-%00',
      `opp-${randomUUID()}`,
      `OPP-${randomUUID()}`,
      other,
    ]) {
      const res = await app.api(app.org.admin, 'GET', `/api/opportunities/${id}`);
      expect({ id, status: res.status, code: res.body?.error?.code }).toEqual({
        id,
        status: 404,
        code: 'NOT_FOUND',
      });
      const cmd = await app.api(app.org.admin, 'POST', `/api/opportunities/${id}/activities`, {
        kind: 'call',
        occurredAt: new Date().toISOString(),
        note: 'x',
      });
      expect({ id, status: cmd.status }).toEqual({ id, status: 404 });
    }
  });
});
