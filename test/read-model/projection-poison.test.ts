// Issue 9 item 6c: no single poisoned event can freeze a deal's read model. A NUL byte in a deal's
// name (held in the running workflow's state, so in every snapshot: a deal started before the
// API and the workflow refused such input) is dead-lettered, visible to admins, and the deal's
// later commands still reach the read model. Events the database refuses (a NUL, a date out of
// PostgreSQL's range) can no longer be sent through the workflow's validators, so they are fed to
// the projection directly, as a running deal's state would.
// Real app: real Temporal, real PostgreSQL, the real worker.
import { randomUUID } from 'node:crypto';
import type { OpportunitySnapshot, ProjectionEvent } from '../../src/contracts/activities';
import { projectSafely } from '../../src/read-model/project-safely';
import { readModelJournal, startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const journal = (id: string) => readModelJournal(app, id);

test('a NUL in a running deal is dead-lettered and stored sanitised; its later commands flow on', async () => {
  const id = `opp-${randomUUID()}`;
  const rep = { userId: app.org.repA1.id, role: 'rep' as const };
  // Started directly, as a deal from before the API refused such input.
  await app.client.workflow.start('opportunity', {
    workflowId: id,
    taskQueue: app.taskQueue,
    args: [
      {
        id,
        name: 'Poisoned\u0000deal',
        account: 'Acme',
        amount: 1000,
        currency: 'CNY',
        ownerId: rep.userId,
        expectedCloseDate: null,
        createdBy: rep,
      },
    ],
  });
  // The workflow projects its created event: the row is stored sanitised, not frozen.
  const row = await waitUntil(() => app.db.prisma.opportunity.findUnique({ where: { id } }), 30_000, 'row');
  expect(row.name).toBe('Poisoneddeal');

  // Every later snapshot carries the NUL too: the deal's commands still reach the read model.
  let last = 0;
  for (const note of ['First call', 'Second call']) {
    const res = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, {
      kind: 'call',
      occurredAt: new Date().toISOString(),
      note,
    });
    expect(res.status).toBe(200);
    last = res.body.seq;
  }
  await waitUntil(async () => (await journal(id)).length >= last, 30_000, 'journal');
  expect((await journal(id)).map((e) => Number(e.split(':')[0]))).toEqual(
    Array.from({ length: last }, (_, i) => i + 1),
  );
  const notes = await app.db.prisma.salesActivity.findMany({
    where: { opportunityId: id },
    orderBy: { seq: 'asc' },
  });
  expect(notes.map((a) => a.note)).toEqual(['First call', 'Second call']);
  await waitUntil(
    async () => (await app.db.prisma.opportunity.findUnique({ where: { id } }))?.lastEventSeq === last,
  );

  // Visible to admins, with the poison escaped.
  const listed = await app.api(app.org.admin, 'GET', `/api/admin/dead-letters?opportunityId=${id}`);
  expect(listed.status).toBe(200);
  const letters = listed.body.deadLetters as any[];
  expect(letters).toHaveLength(1);
  expect(letters[0]).toMatchObject({ kind: 'snapshot', seq: 0, type: 'snapshot', opportunityId: id });
  expect(letters[0].sqlState).toMatch(/^22/);
  expect(letters[0].payload).toContain('Poisoned\\u0000deal');
  expect(letters[0].occurrences).toBeGreaterThanOrEqual(3);

  const status = await app.api(app.org.admin, 'GET', `/api/admin/read-model/opportunities/${id}`);
  expect(status.body).toMatchObject({ readModelSeq: last, workflowSeq: last, deadLetters: 1 });
  const overall = await app.api(app.org.admin, 'GET', '/api/admin/read-model');
  expect(overall.body.deadLetters).toBeGreaterThanOrEqual(1);
  expect((await app.api(app.org.repA1, 'GET', '/api/admin/dead-letters')).status).toBe(403);
});

test('events the database refuses are dead-lettered with a placeholder at their seq; the rest flows on', async () => {
  const id = `opp-${randomUUID()}`;
  const now = new Date().toISOString();
  const snapshot = (seq: number): OpportunitySnapshot => ({
    id,
    name: 'Direct projection',
    account: 'Acme',
    amount: 10,
    currency: 'CNY',
    ownerId: app.org.repA1.id,
    milestone: 'project_initiation',
    milestoneIndex: 0,
    probability: 0,
    status: 'open',
    expectedCloseDate: null,
    stageEnteredAt: now,
    lastActivityAt: now,
    escalationLevel: 0,
    stalled: false,
    noSponsorWarning: false,
    lostReason: null,
    createdAt: now,
    closedAt: null,
    seq,
  });
  const activity = (seq: number, note: string, occurredAt = now): ProjectionEvent => ({
    seq,
    type: 'activity_logged',
    actorId: app.org.repA1.id,
    occurredAt: now,
    payload: { kind: 'call', note, occurredAt },
  });
  const events = [
    { seq: 1, type: 'created', actorId: app.org.repA1.id, occurredAt: now, payload: {} },
    activity(2, 'Bad\u0000note'),
    // Year -10000: JavaScript holds it, PostgreSQL's timestamp cannot.
    activity(3, 'Visit in the distant past', '-010000-01-01T00:00:00.000Z'),
    activity(4, 'Good call'),
  ];
  await projectSafely(app.db.prisma, { snapshot: snapshot(4), events });
  expect(await journal(id)).toEqual(['1:created', '2:dead_lettered', '3:dead_lettered', '4:activity_logged']);
  // A later command's projection follows on (contiguous) and lands.
  const next = await projectSafely(
    app.db.prisma,
    { snapshot: snapshot(5), events: [activity(5, 'Next call')] },
    { requireContiguous: true },
  );
  expect(next.gapAfter).toBeNull();
  const notes = await app.db.prisma.salesActivity.findMany({
    where: { opportunityId: id },
    orderBy: { seq: 'asc' },
  });
  expect(notes.map((a) => a.note)).toEqual(['Good call', 'Next call']);
  expect((await app.db.prisma.opportunity.findUniqueOrThrow({ where: { id } })).lastEventSeq).toBe(5);

  // Projected again (a retried activity, the reconciler): nothing doubles.
  await projectSafely(app.db.prisma, { snapshot: snapshot(4), events });
  const letters = await app.db.prisma.projectionDeadLetter.findMany({
    where: { opportunityId: id },
    orderBy: { seq: 'asc' },
  });
  expect(letters.map((d) => [d.kind, d.seq, d.type, d.sqlState?.slice(0, 2)])).toEqual([
    ['event', 2, 'activity_logged', '22'],
    ['event', 3, 'activity_logged', '22'],
  ]);
  expect(letters[0]!.payload).toContain('Bad\\u0000note');
  expect(await app.db.prisma.salesActivity.count({ where: { opportunityId: id } })).toBe(2);
});

test('a deal no row can hold (its owner is not in the directory) is dead-lettered whole, not retried forever', async () => {
  const id = `opp-${randomUUID()}`;
  const now = new Date().toISOString();
  const input = {
    snapshot: {
      id,
      name: 'Orphan',
      account: 'Nobody',
      amount: 1,
      currency: 'CNY',
      ownerId: randomUUID(),
      milestone: 'project_initiation',
      milestoneIndex: 0,
      probability: 0,
      status: 'open' as const,
      expectedCloseDate: null,
      stageEnteredAt: now,
      lastActivityAt: null,
      escalationLevel: 0,
      stalled: false,
      noSponsorWarning: false,
      lostReason: null,
      createdAt: now,
      closedAt: null,
      seq: 1,
    },
    events: [{ seq: 1, type: 'created', actorId: null, occurredAt: now, payload: {} }],
  };
  await expect(projectSafely(app.db.prisma, input)).resolves.toEqual({ gapAfter: null });
  expect(await app.db.prisma.opportunity.findUnique({ where: { id } })).toBeNull();
  const letters = await app.db.prisma.projectionDeadLetter.findMany({
    where: { opportunityId: id },
    orderBy: { kind: 'asc' },
  });
  expect(letters.map((d) => [d.kind, d.seq, d.sqlState])).toEqual([
    ['event', 1, '23503'],
    ['snapshot', 0, '23503'],
  ]);
});
