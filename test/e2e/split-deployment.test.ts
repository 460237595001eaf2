// Scale-out, proven: the product split as docker-compose runs it (2 API and 2 worker processes,
// `src/main.ts --role=api|worker`) on one Temporal server and one PostgreSQL. Clients send a
// bounded burst of commands with Idempotency-Keys over both APIs, retrying as real clients do;
// one worker is killed -9 mid-burst. Then: every 2xx command applied exactly once (the workflow's
// journal), none lost, and the read model caught up with every deal's workflow (seq equal) within
// 60 s. The fault suite (npm run test:fault) breaks more parts for longer; this is its CI slice.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import { openConnection } from '../../src/temporal/connect';
import { Pool } from 'pg';
import { startAppProcess, type AppProcess } from '../../bench/lib/stack';
import { freePort } from '../../scripts/lib/pg-cluster';
import { issueApiToken } from '../../src/auth/api-tokens';
import { getStateQuery } from '../../workflows/opportunity-messages';
import { burst, createDeals, type LoadOptions } from '../fault/lib/load';
import { commandFigures, journalCounts, readModelCounts } from '../fault/lib/verify';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { temporalAddress } from '../support/temporal';

jest.setTimeout(240_000);

const DEALS = 4;
const BURST_MS = 12_000;
const KILL_AT_MS = 4_000;
// Issue 9's target: every accepted command in the read model within 60 s. The workflow's own later
// events (a mail the killed worker held, retried after its heartbeat timeout, then projected) ride
// on activity retries, so "nothing left to catch up" gets a wider bound on this loaded CI machine.
const CONVERGENCE_TARGET_MS = 60_000;
const CATCH_UP_BOUND_MS = 150_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('split deployment: 2 APIs + 2 workers on one Temporal and one PostgreSQL', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-split-'));
  const parts = new Map<string, AppProcess>();
  let db: TestDatabase;
  let pool: Pool;
  let connection: Connection;
  let temporal: Client;
  let load: LoadOptions;

  beforeAll(async () => {
    db = await createTestDatabase();
    const manager = await db.prisma.user.create({
      data: { name: 'Split Manager', email: 'split.manager@split.test', role: 'manager', locale: 'en' },
    });
    const rep = await db.prisma.user.create({
      data: {
        name: 'Split Rep',
        email: 'split.rep@split.test',
        role: 'rep',
        managerId: manager.id,
        locale: 'en',
      },
    });
    const tokens = {
      rep: (await issueApiToken(db.prisma, { userId: rep.id, label: 'split' })).token,
      manager: (await issueApiToken(db.prisma, { userId: manager.id, label: 'split' })).token,
    };
    const apiPorts = [await freePort(), await freePort()];
    const env: Record<string, string> = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: temporalAddress(),
      // A queue of its own: no other test file's worker may take these deals' tasks.
      TEMPORAL_TASK_QUEUE: `split-${randomBytes(4).toString('hex')}`,
      DATA_DIR: dir,
      DEMO_SEED: 'false',
      LOG_LEVEL: 'warn',
      LINK_SECRET: randomBytes(32).toString('hex'),
      API_RATE_LIMIT_PER_MINUTE: '1000000',
    };
    const start = async (name: string, role: 'api' | 'worker', port: number) => {
      parts.set(
        name,
        await startAppProcess(
          { ...env, PORT: String(port) },
          { role, logFile: path.join(dir, `${name}.log`), readyTimeoutMs: 150_000 },
        ),
      );
    };
    // In a row: on two cores, parallel tsx start-ups are slower than sequential ones.
    await start('worker-1', 'worker', apiPorts[0]!);
    await start('worker-2', 'worker', apiPorts[0]!);
    await start('api-1', 'api', apiPorts[0]!);
    await start('api-2', 'api', apiPorts[1]!);
    pool = new Pool({ connectionString: db.url, max: 2 });
    connection = await openConnection({ address: temporalAddress() });
    temporal = new Client({ connection });
    load = {
      apis: apiPorts.map((p) => `http://127.0.0.1:${p}`),
      tokens,
      requestTimeoutMs: 15_000,
      commandDeadlineMs: 45_000,
    };
  });

  afterAll(async () => {
    await Promise.all(
      [...parts.values()].map(async (p) => {
        const timer = setTimeout(() => void p.kill9(), 15_000);
        await p.stop().catch(() => undefined);
        clearTimeout(timer);
      }),
    );
    await connection?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await db?.drop();
    // SPLIT_KEEP_DIR=1 keeps the parts' logs (the path is in the failure's output).
    if (!process.env.SPLIT_KEEP_DIR) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses and doubles nothing when a worker dies mid-burst, and the read model converges', async () => {
    const dealIds = await createDeals(load, DEALS, 'split');
    const acceptedPerApi = [0, 0];
    const started = Date.now();
    let killedAt = 0;
    const [records] = await Promise.all([
      burst(
        {
          ...load,
          afterAccepted: (apiIndex) => {
            acceptedPerApi[apiIndex]!++;
            return false;
          },
        },
        dealIds,
        started + BURST_MS,
      ),
      (async () => {
        await sleep(KILL_AT_MS);
        await parts.get('worker-1')!.kill9();
        parts.delete('worker-1');
        killedAt = Date.now();
      })(),
    ]);

    const accepted = records.filter((r) => r.outcome === 'accepted');
    // The burst really ran over both APIs, and on past the kill (the other worker carried on).
    expect(acceptedPerApi[0]).toBeGreaterThan(0);
    expect(acceptedPerApi[1]).toBeGreaterThan(0);
    expect(accepted.filter((r) => r.acceptedAt! > killedAt).length).toBeGreaterThan(0);

    // Exactly once: each command's unique marker appears once in its workflow's journal.
    // (An Update that answered has committed, so the journal can be read at once.)
    const figures = commandFigures(records, await journalCounts(temporal, dealIds));
    const retried = records.filter((r) => r.attempts > 1).length;
    process.stdout.write(
      `split deployment: ${figures.sent} commands, ${figures.accepted} accepted (api-1 ${acceptedPerApi[0]}, api-2 ${acceptedPerApi[1]} activities), ${retried} retried, ${figures.appliedOnce} applied once, ${figures.appliedTwice} twice, ${figures.lost} lost\n`,
    );
    expect({
      serverErrors: figures.serverErrors,
      gaveUp: figures.gaveUp,
      lost: figures.lost,
      appliedTwice: figures.appliedTwice,
    }).toEqual({ serverErrors: 0, gaveUp: 0, lost: 0, appliedTwice: 0 });
    expect(figures.accepted).toBeGreaterThanOrEqual(DEALS * 3);

    // Converged: every accepted command is in the read model's journal and every deal's row is at
    // its workflow's seq (nothing more for the read model to catch up on).
    const since = Math.max(killedAt, ...accepted.map((r) => r.acceptedAt!));
    const convergedBy = since + CATCH_UP_BOUND_MS;
    let missing: string[] = [];
    let behind: string[] = [];
    let commandsInAt: number | null = null;
    for (;;) {
      const rows = await readModelCounts(pool, dealIds);
      missing = accepted.filter((r) => !rows?.has(r.marker)).map((r) => r.marker);
      behind = [];
      if (missing.length === 0 && commandsInAt === null) commandsInAt = Date.now();
      if (missing.length > 0 && Date.now() > since + CONVERGENCE_TARGET_MS) break;
      if (missing.length === 0) {
        for (const id of dealIds) {
          const view = await temporal.workflow.getHandle(id).query(getStateQuery);
          const row = await db.prisma.opportunity.findUnique({
            where: { id },
            select: { lastEventSeq: true },
          });
          if (row?.lastEventSeq !== view.seq)
            behind.push(
              `${id}: read model ${row?.lastEventSeq} vs workflow ${view.seq} (behind: ${view.events
                .filter((e) => e.seq > (row?.lastEventSeq ?? 0))
                .map((e) => e.type)
                .join(', ')})`,
            );
        }
      }
      if ((missing.length === 0 && behind.length === 0) || Date.now() > convergedBy) break;
      await sleep(500);
    }
    const lastAccepted = Math.max(...accepted.map((r) => r.acceptedAt!));
    process.stdout.write(
      `split deployment: read model ${missing.length + behind.length === 0 ? 'converged' : 'NOT converged'} ${((Date.now() - lastAccepted) / 1000).toFixed(1)} s after the last accepted command\n`,
    );
    expect({ missing, behind }).toEqual({ missing: [], behind: [] });
    expect(commandsInAt! - since).toBeLessThanOrEqual(CONVERGENCE_TARGET_MS);

    // A read-model row per application, too (a projection applied twice would show as 2).
    const rows = await readModelCounts(pool, dealIds);
    expect(accepted.filter((r) => rows!.get(r.marker) !== 1).map((r) => r.marker)).toEqual([]);
  });
});
