// What an operator sees, on the real stack: /metrics behind its token with the HTTP, command,
// mail and database series; the Temporal SDK's own metrics; one trace per command from the HTTP
// request through the Temporal client, the workflow and its activities, exported by OTLP to a
// receiver started here; and the request's log line carrying that trace id.
import http from 'node:http';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/logger';
import { freePort } from '../../scripts/lib/pg-cluster';
import { startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

const METRICS_TOKEN = randomBytes(24).toString('hex');
const spans: OtlpSpan[] = [];
const logLines: Record<string, any>[] = [];
let receiver: http.Server;
let temporalMetricsPort: number;
let workerMetricsPort: number;
let app: TestApp;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.url === '/v1/traces' && req.method === 'POST') {
        const doc = JSON.parse(body.toString('utf8'));
        for (const rs of doc.resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push(s);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  const receiverPort = await freePort();
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
  temporalMetricsPort = await freePort();
  workerMetricsPort = await freePort();
  const logs = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logLines.push(JSON.parse(line));
      done();
    },
  });
  app = await startTestApp({
    env: {
      METRICS_TOKEN,
      TEMPORAL_METRICS_PORT: String(temporalMetricsPort),
      // Used only by worker-only processes (the all-in-one app serves /metrics on its API port).
      METRICS_PORT: String(workerMetricsPort),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
    },
    logger: createLogger('info', logs),
  });
});

afterAll(async () => {
  await app?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function scrape(token: string | null = METRICS_TOKEN): Promise<{ status: number; text: string }> {
  const res = await fetch(`${app.baseUrl}/metrics`, {
    headers: token === null ? {} : { Authorization: `Bearer ${token}` },
  });
  return { status: res.status, text: await res.text() };
}

/** The value of one series, or undefined when it is absent. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length, line.lastIndexOf(' '));
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

async function createDeal(): Promise<{ id: string; requestId: string }> {
  const res = await app.api(app.org.repA1, 'POST', '/api/opportunities', {
    name: 'Observability deal',
    account: 'Acme',
    amount: 250000,
  });
  expect([201, 202]).toContain(res.status);
  return { id: res.body.id as string, requestId: res.headers.get('x-request-id')! };
}

describe('/metrics', () => {
  it('answers only with its token', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('not-the-metrics-token-at-all-0000000000')).status).toBe(401);
    // An API token is not the metrics token either.
    expect((await scrape(app.org.admin.token)).status).toBe(401);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('# TYPE http_requests_total counter');
  });

  it('shows a command by route pattern and outcome, the mail it sent and the outbox', async () => {
    const { id } = await createDeal();
    const asked = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
      kind: 'milestone_gate',
      milestone: 'project_initiation',
      reason: 'Need is clear',
    });
    expect(asked.status).toBe(200);
    // A refusal is counted with its code.
    const refused = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
      milestone: 'technical_breakthrough_1',
      criteriaMet: ['proposal_delivered'],
      evidence: 'x',
    });
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'MILESTONE_OUT_OF_ORDER' } } });
    const text = await waitUntil(
      async () => {
        const { text } = await scrape();
        const mailed = (series(text, 'mail_deliveries_total', { outcome: 'sent' }) ?? 0) > 0;
        // The API projects a command just after answering it.
        const projected = (series(text, 'projection_lag_events_count') ?? 0) > 0;
        const inReadModel =
          series(text, 'deals_open', { status: 'open', milestone: 'project_initiation' }) === 1;
        return mailed && projected && inReadModel && text;
      },
      30_000,
      'the approval request mail to be counted',
    );

    const route = '/api/opportunities/:id/approvals';
    expect(
      series(text, 'http_requests_total', { method: 'POST', route, status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      series(text, 'http_request_duration_seconds_count', { method: 'POST', route, status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    // 201, or 202 when the deal's first projection had not landed yet.
    const created = ['201', '202'].map(
      (status) =>
        series(text, 'http_requests_total', { method: 'POST', route: '/api/opportunities', status }) ?? 0,
    );
    expect(created[0]! + created[1]!).toBe(1);
    expect(series(text, 'commands_total', { command: 'requestApproval', outcome: 'ok' })).toBe(1);
    expect(series(text, 'commands_total', { command: 'create', outcome: 'ok' })).toBe(1);
    expect(
      series(text, 'commands_total', { command: 'completeMilestone', outcome: 'MILESTONE_OUT_OF_ORDER' }),
    ).toBe(1);
    for (const status of ['pending', 'sending', 'failed', 'dead']) {
      expect(series(text, 'outbox_messages', { status })).toBeDefined();
    }
    expect(series(text, 'deals_open', { status: 'open', milestone: 'project_initiation' })).toBe(1);
    expect(series(text, 'projection_pending')).toBeDefined();
    expect(series(text, 'projection_lag_events_count')).toBeGreaterThanOrEqual(1);
    // Ids never become label values.
    expect(text).not.toContain(id);
  });

  it('never shows an email-action token or a raw URL', async () => {
    const token = `tok${randomBytes(20).toString('hex')}`;
    await fetch(`${app.baseUrl}/email-actions/${token}`);
    await fetch(`${app.baseUrl}/no-such-page-${token}`);
    const { text } = await scrape();
    expect(
      series(text, 'http_requests_total', { method: 'GET', route: '/email-actions/:token' }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(token);
  });
});

describe('without METRICS_TOKEN', () => {
  it('there is no /metrics: no default secret', async () => {
    const plain = await startTestApp({ role: 'api' });
    try {
      const res = await fetch(`${plain.baseUrl}/metrics`, {
        headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(res.status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});

describe('Temporal SDK metrics', () => {
  it('are served on 127.0.0.1:TEMPORAL_METRICS_PORT', async () => {
    const text = await waitUntil(
      async () => {
        const res = await fetch(`http://127.0.0.1:${temporalMetricsPort}/metrics`);
        const body = await res.text();
        return res.status === 200 && /^temporal_\w+/m.test(body) && body;
      },
      20_000,
      'temporal_* series',
    );
    expect(text).toMatch(/^temporal_workflow_task_\w+/m);
  });
});

describe('traces', () => {
  const byTrace = (traceId: string) => spans.filter((s) => s.traceId === traceId);

  it('follow a create from the HTTP request through the workflow to its activities, and the log carries the trace id', async () => {
    const { requestId } = await createDeal();
    // The request's log line names its trace; that trace holds every part of the command's path.
    const line = await waitUntil(
      async () => logLines.find((l) => l.req?.id === requestId && l.msg === 'request completed'),
      5_000,
      'the request log line',
    );
    expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const names = await waitUntil(
      async () => {
        // The HTTP span ends once the response is sent, which can be after a quick activity's span
        // (the reporting-line look-up is one statement now): wait for every part, not the worker's.
        const n = byTrace(line.trace_id).map((s) => s.name);
        const complete =
          n.some((x) => x.startsWith('RunActivity:')) &&
          ['RunWorkflow:opportunity', 'POST /api/opportunities', 'StartWorkflow:opportunity'].every((x) =>
            n.includes(x),
          );
        return complete && n;
      },
      20_000,
      'the HTTP, client, workflow and activity spans in the request trace',
    );
    expect(names).toEqual(expect.arrayContaining(['POST /api/opportunities', 'StartWorkflow:opportunity']));
    const trace = byTrace(line.trace_id);
    const httpSpan = trace.find((s) => s.name === 'POST /api/opportunities')!;
    const client = trace.find((s) => s.name === 'StartWorkflow:opportunity')!;
    expect(client.parentSpanId).toBe(httpSpan.spanId);
    expect(trace.find((s) => s.name === 'RunWorkflow:opportunity')!.parentSpanId).toBe(client.spanId);
  });

  it('follow an Update command from the HTTP request into the workflow handler', async () => {
    const { id } = await createDeal();
    const res = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, {
      kind: 'visit',
      occurredAt: new Date().toISOString(),
      note: 'Discovery visit',
    });
    expect(res.status).toBe(200);
    const httpSpan = await waitUntil(
      async () => spans.find((s) => s.name === 'POST /api/opportunities/:id/activities'),
      20_000,
      'the HTTP span',
    );
    await waitUntil(
      async () => byTrace(httpSpan.traceId).some((s) => s.name.startsWith('HandleUpdate:')),
      20_000,
      'the workflow update span in the same trace',
    );
    const trace = byTrace(httpSpan.traceId);
    const client = trace.find((s) => s.name.startsWith('StartWorkflowUpdate:'))!;
    expect(client.parentSpanId).toBe(httpSpan.spanId);
    expect(trace.find((s) => s.name === 'HandleUpdate:logActivity')!.parentSpanId).toBe(client.spanId);
    // No span name carries an id.
    expect(spans.some((s) => s.name.includes(id))).toBe(false);
  });
});

// Last: a second app in this jest process registers and, when stopped, unregisters the global
// tracer the first app uses (one process runs one app in production).
describe('a worker-only process', () => {
  it('serves the same token-guarded /metrics on METRICS_PORT', async () => {
    const url = `http://127.0.0.1:${workerMetricsPort}/metrics`;
    await expect(fetch(url)).rejects.toThrow(); // the all-in-one app does not bind it
    const stopWorker = await app.startWorker();
    try {
      expect((await fetch(url)).status).toBe(401);
      const res = await fetch(url, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('# TYPE mail_deliveries_total counter');
      expect(series(text, 'outbox_messages', { status: 'pending' })).toBeDefined();
    } finally {
      await stopWorker();
    }
  });
});
