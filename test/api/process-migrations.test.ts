// POST /api/admin/process-migrations on the real app (PostgreSQL, the Temporal dev server, the
// worker): the process owner (admin) runs a migration of named deals or of all deals on an earlier
// version as a processMigrationRun workflow and reads its progress. Production has one version, so
// the runs here are onto version 1: deals already on it come back unchanged, one that finished is
// refused with its code, and an unknown version is refused before anything starts.
import { createDeal, startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';

jest.setTimeout(60_000);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

async function finished(migrationId: string) {
  let body: any;
  await waitUntil(async () => {
    const res = await app.api(app.org.admin, 'GET', `/api/admin/process-migrations/${migrationId}`);
    expect(res.status).toBe(200);
    body = res.body;
    return body.finished === true;
  });
  return body;
}

test('a run over named deals reports each deal; the same requestId answers the same run', async () => {
  const a = await createDeal(app, { name: 'PM a', account: 'PM', amount: 1000 });
  const b = await createDeal(app, { name: 'PM b', account: 'PM', amount: 1000 });
  const body = { toVersion: 1, dryRun: true, dealIds: [a, b, 'opp-does-not-exist'], requestId: 'pm-named-1' };
  const started = await app.api(app.org.admin, 'POST', '/api/admin/process-migrations', body);
  expect(started.status).toBe(202);
  expect(started.body).toEqual({ migrationId: 'process-migration-pm-named-1', total: 3 });
  const again = await app.api(app.org.admin, 'POST', '/api/admin/process-migrations', body);
  expect(again.body).toEqual(started.body);

  const progress = await finished(started.body.migrationId);
  expect(progress).toMatchObject({ toVersion: 1, dryRun: true, total: 3, done: 3, unchanged: 2, refused: 1 });
  const byId = Object.fromEntries(progress.results.map((r: any) => [r.opportunityId, r]));
  expect(byId[a]).toMatchObject({ outcome: 'unchanged', fromVersion: 1, milestone: null });
  expect(byId['opp-does-not-exist']).toMatchObject({ outcome: 'refused', code: 'NOT_FOUND' });
  const row = await app.db.prisma.opportunity.findUniqueOrThrow({ where: { id: a } });
  expect(row.processVersion).toBe(1);

  // After the run finished, the same requestId still answers that run and starts no second one.
  const afterwards = await app.api(app.org.admin, 'POST', '/api/admin/process-migrations', body);
  expect(afterwards.body).toEqual(started.body);
  const runs = await app.client.workflow.count(`WorkflowId = '${started.body.migrationId}'`);
  expect(runs.count).toBe(1);
});

test('bad requests are refused with a code before any run starts', async () => {
  const unknown = await app.api(app.org.admin, 'POST', '/api/admin/process-migrations', {
    toVersion: 99,
    dryRun: true,
    all: true,
  });
  expect(unknown.status).toBe(422);
  expect(unknown.body.error.code).toBe('PROCESS_VERSION_UNKNOWN');
  const both = await app.api(app.org.admin, 'POST', '/api/admin/process-migrations', {
    toVersion: 1,
    dryRun: false,
    all: true,
    dealIds: ['x'],
  });
  expect(both.status).toBe(400);
  const neither = await app.api(app.org.admin, 'POST', '/api/admin/process-migrations', {
    toVersion: 1,
    dryRun: false,
  });
  expect(neither.status).toBe(400);
  const rep = await app.api(app.org.repA1, 'POST', '/api/admin/process-migrations', {
    toVersion: 1,
    dryRun: true,
    all: true,
  });
  expect(rep.status).toBe(403);
  const missing = await app.api(
    app.org.admin,
    'GET',
    '/api/admin/process-migrations/process-migration-nope-nope',
  );
  expect(missing.status).toBe(404);
});

test('all: deals already on the version are not listed', async () => {
  await createDeal(app, { name: 'PM c', account: 'PM', amount: 1000 });
  const started = await app.api(app.org.admin, 'POST', '/api/admin/process-migrations', {
    toVersion: 1,
    dryRun: false,
    all: true,
  });
  expect(started.status).toBe(202);
  expect(started.body.total).toBe(0);
  expect(await finished(started.body.migrationId)).toMatchObject({ total: 0, done: 0, finished: true });
});
