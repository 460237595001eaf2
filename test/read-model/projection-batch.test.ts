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
import { createMarkWriter, writeProjectionMark } from '../../src/read-model/projection-marks';
import { createPrismaClient } from '../../src/db/prisma';
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

// S1 (issue 16): projectBatch is one SQL function (psm_project_batch) instead of a transaction of
// Prisma queries. It must write every column, team and plan row exactly as the single-deal path
// (projectOpportunity, which the workflow's own projections and every retry use) does.
test('the batch writes the row, team, plan and milestone rows as the single-deal path does', async () => {
  const [batched, alone] = [await dealWithRow(), await dealWithRow()];
  const rich = (id: string, seq: number): OpportunitySnapshot => ({
    ...snapshot(id, seq, 'Won deal'),
    amount: 1234567.89,
    currency: 'USD',
    milestone: 'contract_signed',
    milestoneIndex: 5,
    probability: 100,
    status: 'won',
    expectedCloseDate: '2026-12-31',
    lastActivityAt: '2026-11-30T08:15:30.123Z',
    escalationLevel: 2,
    stalled: true,
    noSponsorWarning: true,
    lostReason: null,
    closedAt: '2026-12-01T23:59:59.999Z',
    processVersion: 3,
    ltc: {
      team: [
        { userId: app.org.managerA.id, role: 'presales', addedAt: '2026-11-01T01:02:03.456Z' },
        { userId: app.org.repA2.id, role: 'delivery', addedAt: '2026-11-02T00:00:00.000Z' },
        { userId: app.org.managerA.id, role: 'ignored_duplicate', addedAt: '2026-11-03T00:00:00.000Z' },
      ],
      major: true,
      kickoffRequired: true,
      planRecordedAt: '2026-11-05T10:00:00.000Z',
      decisionDate: '2026-12-15T16:00:00.000Z',
      plan: [
        {
          milestone: 'project_initiation',
          milestoneIndex: 0,
          plannedDate: '2026-11-10',
          actualDate: '2026-11-09T22:00:00.000Z',
          skipped: false,
          slippageDays: -1,
        },
        {
          milestone: 'deep_engagement',
          milestoneIndex: 1,
          plannedDate: null,
          actualDate: null,
          skipped: true,
          slippageDays: null,
        },
      ],
      handover: {
        status: 'accepted',
        acceptorId: app.org.repA2.id,
        openedAt: '2026-12-01T23:59:59.999Z',
        dueAt: '2026-12-08T00:00:00.000Z',
        level: 0,
        acceptedAt: '2026-12-02T09:00:00.000Z',
        acceptedById: app.org.repA2.id,
      },
      closingSummary: {
        outcome: 'won',
        createdAt: '2026-11-01T00:00:00.000Z',
        closedAt: '2026-12-01T23:59:59.999Z',
        durationDays: 30,
        timeline: [],
        decisionDate: { planned: null, actual: '2026-12-01' },
        lostReason: null,
        competitor: null,
        competitors: ['某竞品'],
        risks: [],
        team: [],
        lessons: 'quote "early"',
        lessonsById: null,
      },
      executionCompletedAt: null,
    },
  });
  const reached = (seq: number): ProjectionEvent => ({
    seq,
    type: 'milestone_reached',
    actorId: app.org.repA1.id,
    occurredAt: '2026-11-20T00:00:00.000Z',
    payload: { milestone: 'deep_engagement', milestoneIndex: 1, skipped: false },
  });
  const noted = (seq: number): ProjectionEvent => ({ ...created(), seq, type: 'checklist_item_set' });
  // A command without applied events (one statement), then one with (in a transaction), then a
  // snapshot without the LTC rules or a version: the row keeps those columns, as a Prisma update does.
  const steps = [
    (id: string) => ({ snapshot: rich(id, 2), events: [noted(2)] }),
    (id: string) => ({ snapshot: rich(id, 3), events: [reached(3)] }),
    (id: string) => ({
      snapshot: { ...snapshot(id, 4, 'Renamed'), status: 'won' as const },
      events: [noted(4)],
    }),
  ];
  const state = async (id: string) => {
    const prisma = app.db.prisma;
    const { id: _id, projectedAt, ...row } = (await prisma.opportunity.findUniqueOrThrow({ where: { id } }))!;
    const strip = <T extends { opportunityId: string }>(rows: T[]) =>
      rows.map(({ opportunityId: _o, ...r }) => r);
    return {
      row,
      projectedAt,
      team: strip(
        await prisma.opportunityTeamMember.findMany({
          where: { opportunityId: id },
          orderBy: { userId: 'asc' },
        }),
      ),
      plan: strip(
        await prisma.milestonePlan.findMany({ where: { opportunityId: id }, orderBy: { milestone: 'asc' } }),
      ),
      milestones: strip(
        await prisma.milestoneEvent.findMany({
          where: { opportunityId: id },
          orderBy: { milestoneIndex: 'asc' },
        }),
      ),
      journal: await readModelJournal(app, id),
    };
  };
  for (const [n, step] of steps.entries()) {
    const before = new Date();
    expect(await projectBatch(app.db.prisma, [{ input: step(batched) }])).toEqual([
      { kind: 'done', gapAfter: null },
    ]);
    await projectSafely(app.db.prisma, step(alone), { requireContiguous: true });
    const [b, a] = [await state(batched), await state(alone)];
    expect(b.row).toEqual(a.row);
    expect(b.team).toEqual(a.team);
    expect(b.plan).toEqual(a.plan);
    expect(b.milestones).toEqual(a.milestones);
    expect(b.journal).toEqual(a.journal);
    expect(b.row.lastEventSeq).toBe(n + 2);
    // projectedAt is the time of the write (Prisma's @updatedAt), in UTC like the other columns.
    expect(Math.abs(b.projectedAt.getTime() - before.getTime())).toBeLessThan(60_000);
  }
  const final = await state(batched);
  expect(final.row).toMatchObject({
    name: 'Renamed',
    major: true,
    processVersion: 3,
    deliveryOwnerId: app.org.repA2.id,
  });
  expect(final.team.map((t) => t.role).sort()).toEqual(['delivery', 'presales']);
  expect(final.milestones.map((m) => m.milestoneIndex)).toEqual([1]);
});

test('marks sent together share statements, each durable when it resolves; a database down resolves false', async () => {
  const writer = createMarkWriter(app.db.prisma);
  const marks = Array.from({ length: 60 }, (_, i) => ({
    token: randomUUID(),
    opportunityId: `opp-mark-${i}`,
    kind: i % 2 ? ('command' as const) : ('create' as const),
  }));
  const written = await Promise.all(
    marks.map(async (m) => {
      const ok = await writer.write(m);
      // Durable the moment its promise resolves, with what it was given.
      const row = await app.db.prisma.projectionPending.findUnique({ where: { token: m.token } });
      return ok && row?.opportunityId === m.opportunityId && row.kind === m.kind;
    }),
  );
  expect(written.every(Boolean)).toBe(true);
  const stats = writer.stats();
  expect(stats.marks).toBe(60);
  // Nothing waited to form a group: the first went alone, the rest queued behind it.
  expect(stats.statements).toBeGreaterThan(1);
  expect(stats.statements).toBeLessThan(60);
  await app.db.prisma.projectionPending.deleteMany({ where: { token: { in: marks.map((m) => m.token) } } });

  const down = createPrismaClient('postgresql://nobody:nothing@127.0.0.1:1/none');
  try {
    const lost = createMarkWriter(down);
    expect(await Promise.all([lost.write(marks[0]!), lost.write(marks[1]!)])).toEqual([false, false]);
  } finally {
    await down.$disconnect();
  }
});
