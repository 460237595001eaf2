// What a caller sees when the worker is down, when they send too much, and what the logs hold.
import { captureLogs, startTestApp, type TestApp } from '../support/app';

describe('with the worker down', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ role: 'api', env: { UPDATE_TIMEOUT_MS: '1500' } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('answers 202 for an accepted create and 503 for commands, which apply once when the worker is back', async () => {
    const created = await app.api(app.org.repA1, 'POST', '/api/opportunities', {
      name: 'Offline deal',
      account: 'A',
      amount: 1,
    });
    expect(created).toMatchObject({ status: 202, body: { status: 'accepted' } });
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/api/opportunities/${id}`);

    const health = await fetch(`${app.baseUrl}/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { parts: { worker: { status: string } } }).parts.worker.status).toBe(
      'down',
    );

    const body = {
      kind: 'call',
      occurredAt: new Date().toISOString(),
      note: 'Called while the worker was down',
    };
    const headers = { 'Idempotency-Key': 'offline-call-0001' };
    const refused = await app.api(
      app.org.repA1,
      'POST',
      `/api/opportunities/${id}/activities`,
      body,
      headers,
    );
    expect(refused).toMatchObject({
      status: 503,
      body: { error: { code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/Idempotency-Key/) } },
    });

    const stopWorker = await app.startWorker();
    try {
      const applied = await app.api(
        app.org.repA1,
        'POST',
        `/api/opportunities/${id}/activities`,
        body,
        headers,
      );
      expect(applied.status).toBe(200);
      const again = await app.api(
        app.org.repA1,
        'POST',
        `/api/opportunities/${id}/activities`,
        body,
        headers,
      );
      expect(again.body).toEqual(applied.body);
      const state = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body;
      expect(state.events.filter((e: { type: string }) => e.type === 'activity_logged')).toHaveLength(1);
    } finally {
      await stopWorker();
    }
  });
});

describe('protection and logs', () => {
  let app: TestApp;
  const { logger, lines } = captureLogs();
  beforeAll(async () => {
    app = await startTestApp({
      env: { API_RATE_LIMIT_PER_MINUTE: '8' },
      logger,
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('rate-limits per token with 429, leaving other tokens alone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await app.api(app.org.repA2, 'GET', '/api/me')).status);
    expect(statuses.slice(0, 8).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    expect((await app.api(app.org.repA2, 'GET', '/api/me')).body).toMatchObject({
      error: { code: 'RATE_LIMITED' },
    });
    expect((await app.api(app.org.repA1, 'GET', '/api/me')).status).toBe(200);
  });

  it('sends security headers', async () => {
    const res = await fetch(`${app.baseUrl}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('logs structured JSON with request ids and never a token', async () => {
    await app.api(app.org.repA1, 'GET', '/api/me', undefined, { 'X-Request-Id': 'req-abc-123' });
    const issued = await app.api(app.org.repA1, 'POST', `/api/users/${app.org.repA1.id}/tokens`, {
      label: 'x',
    });
    expect(issued.status).toBe(201);
    const all = lines.join('');
    const entries = lines.map((l) => JSON.parse(l) as { req?: { id?: string } });
    expect(entries.some((e) => e.req?.id === 'req-abc-123')).toBe(true);
    for (const secret of [app.org.repA1.token, app.org.repA2.token, issued.body.token as string]) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(secret.slice(4, 24));
    }
  });
});
