// Issue 9 item 6c: no single poisoned event can freeze a deal's read model. A NUL byte in a deal's
// name (held in the running workflow's state, so in every snapshot) and in an activity note
// (bypassing the API's validation, as a deal started before it would) are dead-lettered, visible
// to admins, and the deal's later commands still reach the read model.
// Real app: real Temporal, real PostgreSQL, the real worker.
import { randomUUID } from 'node:crypto';
import { logActivityUpdate } from '../../workflows/opportunity-messages';
import { startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const journal = async (id: string) =>
  (
    await app.db.prisma.opportunityEvent.findMany({
      where: { opportunityId: id },
      orderBy: { seq: 'asc' },
      select: { seq: true, type: true },
    })
  ).map((e) => `${e.seq}:${e.type}`);

test('a NUL in a running deal and in one of its events is dead-lettered; the deal flows on', async () => {
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

  // A poisoned command whose caller never projected it (it went around the API).
  const poisoned = await app.client.workflow.getHandle(id).executeUpdate(logActivityUpdate, {
    args: [
      {
        requestId: `poison-${randomUUID()}`,
        actor: rep,
        kind: 'visit',
        occurredAt: new Date().toISOString(),
        note: 'Bad\u0000note',
      },
    ],
  });

  // A later command through the API: its projection fills the gap, poisoned event included.
  const next = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, {
    kind: 'call',
    occurredAt: new Date().toISOString(),
    note: 'Follow-up call',
  });
  expect(next.status).toBe(200);
  await waitUntil(async () => (await journal(id)).length >= next.body.seq, 30_000, 'journal');
  const events = await journal(id);
  expect(events.map((e) => Number(e.split(':')[0]))).toEqual(
    Array.from({ length: next.body.seq }, (_, i) => i + 1),
  );
  expect(events).toContain(`${poisoned.seq}:dead_lettered`);
  expect(events).toContain(`${next.body.seq}:activity_logged`);
  const notes = await app.db.prisma.salesActivity.findMany({ where: { opportunityId: id } });
  expect(notes.map((a) => a.note)).toEqual(['Follow-up call']);
  const current = await app.db.prisma.opportunity.findUniqueOrThrow({ where: { id } });
  expect(current.lastEventSeq).toBe(next.body.seq);

  // Visible to admins, with the poison escaped.
  const listed = await app.api(app.org.admin, 'GET', `/api/admin/dead-letters?opportunityId=${id}`);
  expect(listed.status).toBe(200);
  const letters = listed.body.deadLetters as any[];
  const event = letters.find((d) => d.kind === 'event');
  expect(event).toMatchObject({ seq: poisoned.seq, type: 'activity_logged', opportunityId: id });
  expect(event.payload).toContain('Bad\\u0000note');
  expect(event.sqlState).toMatch(/^22/);
  const snapshot = letters.find((d) => d.kind === 'snapshot');
  expect(snapshot).toMatchObject({ seq: 0, type: 'snapshot' });
  expect(snapshot.payload).toContain('Poisoned\\u0000deal');
  expect(snapshot.occurrences).toBeGreaterThanOrEqual(2);

  const status = await app.api(app.org.admin, 'GET', `/api/admin/read-model/opportunities/${id}`);
  expect(status.body).toMatchObject({
    readModelSeq: next.body.seq,
    workflowSeq: next.body.seq,
    deadLetters: 2,
  });
  expect((await app.api(app.org.repA1, 'GET', '/api/admin/dead-letters')).status).toBe(403);
});

test('an event whose date the database cannot store is dead-lettered too', async () => {
  const created = await app.api(app.org.repA1, 'POST', '/api/opportunities', {
    name: 'Far future',
    account: 'Acme',
    amount: 10,
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await waitUntil(() => app.db.prisma.opportunity.findUnique({ where: { id } }));
  // Year -10000: JavaScript can hold it, PostgreSQL's timestamp cannot (a 22xxx data error).
  const poisoned = await app.client.workflow.getHandle(id).executeUpdate(logActivityUpdate, {
    args: [
      {
        requestId: `date-${randomUUID()}`,
        actor: { userId: app.org.repA1.id, role: 'rep' },
        kind: 'visit',
        occurredAt: '-010000-01-01T00:00:00.000Z',
        note: 'Visit in the distant past',
      },
    ],
  });
  const next = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, {
    kind: 'call',
    occurredAt: new Date().toISOString(),
    note: 'After the bad date',
  });
  expect(next.status).toBe(200);
  await waitUntil(async () => (await journal(id)).includes(`${next.body.seq}:activity_logged`), 30_000);
  expect(await journal(id)).toContain(`${poisoned.seq}:dead_lettered`);
  const letter = await app.db.prisma.projectionDeadLetter.findFirstOrThrow({ where: { opportunityId: id } });
  expect(letter).toMatchObject({ kind: 'event', seq: poisoned.seq, sqlState: expect.stringMatching(/^22/) });
});
