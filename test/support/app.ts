// Starts the real application in-process, exactly as `npm start` composes it, against the test
// PostgreSQL (a fresh database) and the test Temporal server (a task queue of its own).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Client } from '@temporalio/client';
import { openConnection } from '../../src/temporal/connect';
import { loadConfig } from '../../src/config';
import { createLogger, type Logger } from '../../src/logger';
import { startApplication } from '../../src/bootstrap/application';
import { issueApiToken } from '../../src/auth/api-tokens';
import { freePort } from '../../scripts/lib/pg-cluster';
import { createTestDatabase, type TestDatabase } from './database';
import { temporalAddress } from './temporal';
import { waitUntil } from './wait';

export interface TestUser {
  id: string;
  email: string;
  token: string;
  role: 'rep' | 'manager' | 'director' | 'admin';
}

export interface TestOrg {
  admin: TestUser;
  director: TestUser;
  managerA: TestUser;
  managerB: TestUser;
  repA1: TestUser;
  repA2: TestUser;
  repB1: TestUser;
}

export interface TestApp {
  baseUrl: string;
  db: TestDatabase;
  client: Client;
  taskQueue: string;
  org: TestOrg;
  dataDir: string;
  /** Starts a worker-only instance of the app on the same database and task queue. */
  startWorker(): Promise<() => Promise<void>>;
  /** fetch against the app with a user's bearer token. */
  api(
    user: TestUser | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

async function createUser(
  db: TestDatabase,
  data: {
    name: string;
    email: string;
    role: TestUser['role'];
    managerId?: string | null;
    locale?: 'zh_CN' | 'en';
  },
): Promise<TestUser> {
  const u = await db.prisma.user.create({
    data: {
      name: data.name,
      email: data.email,
      role: data.role,
      managerId: data.managerId ?? null,
      locale: data.locale ?? 'en',
    },
  });
  const t = await issueApiToken(db.prisma, { userId: u.id, label: 'test', ttlDays: 30 });
  return { id: u.id, email: u.email, token: t.token, role: data.role };
}

export async function createTestOrg(db: TestDatabase): Promise<TestOrg> {
  const admin = await createUser(db, { name: 'Admin', email: 'admin@test.psm', role: 'admin' });
  const director = await createUser(db, {
    name: 'Diana Director',
    email: 'director@test.psm',
    role: 'director',
  });
  const managerA = await createUser(db, {
    name: 'Mia Manager',
    email: 'manager.a@test.psm',
    role: 'manager',
    managerId: director.id,
  });
  const managerB = await createUser(db, {
    name: '王经理',
    email: 'manager.b@test.psm',
    role: 'manager',
    managerId: director.id,
    locale: 'zh_CN',
  });
  const repA1 = await createUser(db, {
    name: 'Rita Rep',
    email: 'rep.a1@test.psm',
    role: 'rep',
    managerId: managerA.id,
  });
  const repA2 = await createUser(db, {
    name: 'Ravi Rep',
    email: 'rep.a2@test.psm',
    role: 'rep',
    managerId: managerA.id,
  });
  const repB1 = await createUser(db, {
    name: '张伟',
    email: 'rep.b1@test.psm',
    role: 'rep',
    managerId: managerB.id,
    locale: 'zh_CN',
  });
  return { admin, director, managerA, managerB, repA1, repA2, repB1 };
}

export async function startTestApp(
  opts: {
    env?: Record<string, string>;
    role?: 'all' | 'api';
    logger?: Logger;
    /** The URL the app gets for its database, e.g. through a proxy a test can cut. */
    appDatabaseUrl?: (direct: string) => Promise<string>;
  } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const port = await freePort();
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-app-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    DATABASE_URL: opts.appDatabaseUrl ? await opts.appDatabaseUrl(db.url) : db.url,
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_DIR: dataDir,
    DEMO_SEED: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LINK_SECRET: randomBytes(32).toString('hex'),
    UPDATE_TIMEOUT_MS: '5000',
    ...opts.env,
  });
  const logger = opts.logger ?? createLogger(config.logLevel);
  const running = await startApplication({ config, role: opts.role ?? 'all', logger });
  const org = await createTestOrg(db);
  const connection = await openConnection({ address: temporalAddress() });
  const client = new Client({ connection });
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    db,
    client,
    taskQueue,
    org,
    dataDir,
    async startWorker() {
      const worker = await startApplication({ config, role: 'worker', logger });
      return worker.stop;
    },
    async api(user, method, p, body, headers = {}) {
      const res = await fetch(baseUrl + p, {
        method,
        headers: {
          ...(user ? { Authorization: `Bearer ${user.token}` } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async stop() {
      await running.stop();
      await connection.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---- steps through the API that many tests take -------------------------------------------

/** Creates a deal through the API as `user` (rep A1 unless named), expecting 201; returns its id. */
export async function createDeal(
  app: TestApp,
  fields: { name: string; account: string; amount: number } & Record<string, unknown>,
  user: TestUser = app.org.repA1,
): Promise<string> {
  const res = await app.api(user, 'POST', '/api/opportunities', fields);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/**
 * Rep A1 asks for the project-initiation gate and manager A approves it (both expecting 200);
 * returns the approval id. For deals whose amount needs the manager, not the director.
 */
export async function approveInitiationGate(app: TestApp, id: string): Promise<string> {
  const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  expect(req.status).toBe(200);
  const approvalId = req.body.approvalId as string;
  const dec = await app.api(
    app.org.managerA,
    'POST',
    `/api/opportunities/${id}/approvals/${approvalId}/decision`,
    { decision: 'approved' },
  );
  expect(dec.status).toBe(200);
  return approvalId;
}

/** The deal's events in the read model, in order, as "seq:type". */
export async function readModelJournal(app: TestApp, id: string): Promise<string[]> {
  const events = await app.db.prisma.opportunityEvent.findMany({
    where: { opportunityId: id },
    orderBy: { seq: 'asc' },
    select: { seq: true, type: true },
  });
  return events.map((e) => `${e.seq}:${e.type}`);
}

/**
 * Until the deals' events have reached their accounts: nothing queued in AccountDealEvent and the
 * accounts' journals unchanged between two reads. Delivery runs in the background and moves
 * accounts along the funnel (intent, order), so a test that compares two reads made at different
 * moments (a page and a mail) waits for this first.
 */
export async function dealEventsSettled(app: TestApp, timeoutMs = 60_000): Promise<void> {
  let last = '';
  await waitUntil(
    async () => {
      const pending = await app.db.prisma.accountDealEvent.count({ where: { deliveredAt: null } });
      const accounts = await app.db.prisma.account.findMany({
        select: { id: true, seq: true },
        orderBy: { id: 'asc' },
      });
      const now = JSON.stringify(accounts);
      const settled = pending === 0 && now === last;
      last = now;
      return settled ? true : undefined;
    },
    timeoutMs,
    'the deal events settled on their accounts',
  );
}

/** A logger at info level whose JSON lines (one string each) are kept in `lines`, for startTestApp. */
export function captureLogs(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}
