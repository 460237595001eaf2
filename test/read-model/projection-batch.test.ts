// Issue 16: the API projects command results of many deals in shared transactions (projectBatch)
// when they arrive faster than one transaction commits. Each deal keeps the single-deal rules
// (contiguous or refused with the gap, a repeat changes nothing, a deal without a row is left to
// the single path), marks are deleted with the projection, and one poisoned deal in a batch makes
// the batch fall back to projecting each deal alone: the poison is dead-lettered, the rest lands.
// Real PostgreSQL and the real app (its Temporal client fills gaps).
import { randomUUID } from 'node:crypto';
import type { OpportunitySnapshot, ProjectionEvent } from '../../src/contracts/activities';
import { createCommandProjector } from '../../src/opportunities/command-projection';
import { projectBatch } from '../../src/opportunities/project-opportunity';
import { projectSafely } from '../../src/read-model/project-safely';
import { writeProjectionMark } from '../../src/read-model/projection-marks';
import { readModelJournal, startTestApp, type TestApp } from '../support/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const now = new Date().toISOString();
const snapshot = (id: string, seq: number, name = 'Batched deal'): OpportunitySnapshot => ({
  id,
  name,
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
const created = (): ProjectionEvent => ({
  seq: 1,
  type: 'created',
  actorId: app.org.repA1.id,
  occurredAt: now,
  payload: {},
});
const activity = (seq: number, note: string): ProjectionEvent => ({
  seq,
  type: 'activity_logged',
  actorId: app.org.repA1.id,
  occurredAt: now,
  payload: { kind: 'call', note, occurredAt: now },
});

/** A deal whose row holds its created event (seq 1), as the workflow projects it. */
async function dealWithRow(): Promise<string> {
  const id = `opp-${randomUUID()}`;
  await projectSafely(app.db.prisma, { snapshot: snapshot(id, 1), events: [created()] });
  return id;
}

const pendingTokens = async (ids: string[]) =>
  (
    await app.db.prisma.projectionPending.findMany({
      where: { opportunityId: { in: ids } },
      select: { opportunityId: true },
    })
  ).map((m) => m.opportunityId);

test('one transaction for many deals keeps each deal’s rules', async () => {
  const [follows, gapped, repeated] = [await dealWithRow(), await dealWithRow(), await dealWithRow()];
  const rowless = `opp-${randomUUID()}`;
  const tokens = { follows: randomUUID(), gapped: randomUUID() };
  await writeProjectionMark(app.db.prisma, {
    token: tokens.follows,
    opportunityId: follows,
    kind: 'command',
  });
  await writeProjectionMark(app.db.prisma, { token: tokens.gapped, opportunityId: gapped, kind: 'command' });

  const outcomes = await projectBatch(app.db.prisma, [
    {
      input: { snapshot: snapshot(follows, 2), events: [activity(2, 'Follows on')] },
      markToken: tokens.follows,
    },
    {
      input: { snapshot: snapshot(gapped, 3), events: [activity(3, 'After a gap')] },
      markToken: tokens.gapped,
    },
    { input: { snapshot: snapshot(rowless, 2), events: [activity(2, 'No row yet')] } },
    { input: { snapshot: snapshot(repeated, 1, 'Renamed?'), events: [created()] } },
  ]);
  expect(outcomes).toEqual([
    { kind: 'done', gapAfter: null },
    { kind: 'done', gapAfter: 1 },
    { kind: 'alone' },
    { kind: 'done', gapAfter: null },
  ]);
  expect(await readModelJournal(app, follows)).toEqual(['1:created', '2:activity_logged']);
  const row = await app.db.prisma.opportunity.findUnique({ where: { id: follows } });
  expect(row?.lastEventSeq).toBe(2);
  expect(await app.db.prisma.salesActivity.count({ where: { opportunityId: follows } })).toBe(1);
  // Refused for the gap: nothing written, and its mark stays until the gap is filled.
  expect(await readModelJournal(app, gapped)).toEqual(['1:created']);
  expect(await pendingTokens([follows, gapped])).toEqual([gapped]);
  // Not touched: no row was made for it, and the repeat changed nothing.
  expect(await app.db.prisma.opportunity.findUnique({ where: { id: rowless } })).toBeNull();
  expect((await app.db.prisma.opportunity.findUnique({ where: { id: repeated } }))?.name).toBe(
    'Batched deal',
  );
});

test('results arriving together share transactions; a poisoned deal falls back alone and the rest lands', async () => {
  const projector = createCommandProjector({ prisma: app.db.prisma, client: app.client, timeoutMs: 5_000 });
  const ids = await Promise.all(Array.from({ length: 12 }, () => dealWithRow()));
  const poisoned = ids[5]!;
  const marks = ids.map((id) => projector.mark(id, 'command'));
  await Promise.all(marks.map((m) => m.written));
  await Promise.all(
    ids.map((id, i) =>
      projector.schedule(
        id,
        { snapshot: snapshot(id, 2), events: [activity(2, id === poisoned ? 'Bad\u0000note' : 'Call')] },
        marks[i],
      ),
    ),
  );
  const stats = projector.batchStats();
  // Twelve results at once: fewer transactions than deals, and the poisoned one's batch fell back.
  expect(stats.items).toBe(12);
  expect(stats.largest).toBeGreaterThan(1);
  expect(stats.batches).toBeLessThan(12);
  expect(stats.fellBack).toBe(1);
  for (const id of ids) {
    expect(await readModelJournal(app, id)).toEqual([
      '1:created',
      id === poisoned ? '2:dead_lettered' : '2:activity_logged',
    ]);
    expect((await app.db.prisma.opportunity.findUnique({ where: { id } }))?.lastEventSeq).toBe(2);
  }
  expect(await pendingTokens(ids)).toEqual([]);
  const letters = await app.db.prisma.projectionDeadLetter.count({ where: { opportunityId: poisoned } });
  expect(letters).toBe(1);
});
