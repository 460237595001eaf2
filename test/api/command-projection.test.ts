// The API projects each command's result into the read model right after it answers (the
// workflow no longer spends history on a projection per command), and fills any gap another
// caller left.
// Real app: real Temporal, real PostgreSQL, the real worker.
import { randomUUID } from 'node:crypto';
import { createDeal as createDealVia, readModelJournal, startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';
import { logActivityUpdate } from '../../workflows/opportunity-messages';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

async function createDeal(): Promise<string> {
  const id = await createDealVia(app, {
    name: 'Core banking migration',
    account: 'Jiangnan Bank',
    amount: 420000,
  });
  // The created event is the workflow's own to project.
  await waitUntil(async () => (await app.db.prisma.opportunity.findUnique({ where: { id } })) !== null);
  return id;
}

const journal = (id: string) => readModelJournal(app, id);

test('a command reaches the read model from the API, without waiting for the workflow', async () => {
  const id = await createDeal();
  const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  expect(req.status).toBe(200);
  expect(req.body).not.toHaveProperty('projection');
  const approval = await waitUntil(() =>
    app.db.prisma.approval.findUnique({ where: { id: req.body.approvalId } }),
  );
  expect(approval).toMatchObject({ opportunityId: id, status: 'pending', approverId: app.org.managerA.id });
  const row = await app.db.prisma.opportunity.findUniqueOrThrow({ where: { id } });
  expect(row.lastEventSeq).toBeGreaterThanOrEqual(req.body.seq);

  const dec = await app.api(
    app.org.managerA,
    'POST',
    `/api/opportunities/${id}/approvals/${req.body.approvalId}/decision`,
    { decision: 'approved' },
  );
  expect(dec.status).toBe(200);
  const done = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
    milestone: 'project_initiation',
    criteriaMet: ['need_clear', 'value_fit'],
    evidence: 'Kick-off notes',
  });
  expect(done.status).toBe(200);
  const item = await waitUntil(async () => {
    const listed = await app.api(app.org.repA1, 'GET', `/api/opportunities?limit=200`);
    const rows = listed.body.opportunities as { id: string; milestone: string; probability: number }[];
    return rows.find((o) => o.id === id && o.probability === 5);
  });
  expect(item).toMatchObject({ milestone: 'project_initiation', probability: 5 });
  const milestone = await app.db.prisma.milestoneEvent.findFirst({ where: { opportunityId: id } });
  expect(milestone).toMatchObject({ milestone: 'project_initiation', milestoneIndex: 0 });
});

test("a command whose caller never projected it is filled in by the next command's projection", async () => {
  const id = await createDeal();
  await waitUntil(async () => (await journal(id)).length >= 1);
  // An Update that committed but was never projected: its API process died in between.
  const lost = await app.client.workflow.getHandle(id).executeUpdate(logActivityUpdate, {
    args: [
      {
        requestId: `lost-${randomUUID()}`,
        actor: { userId: app.org.repA1.id, role: 'rep' },
        kind: 'visit',
        occurredAt: new Date().toISOString(),
        note: 'Visit whose projection was lost',
      },
    ],
  });
  expect(await journal(id)).not.toContain(`${lost.seq}:activity_logged`);
  expect(await app.db.prisma.salesActivity.count({ where: { opportunityId: id } })).toBe(0);

  const next = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, {
    kind: 'call',
    occurredAt: new Date().toISOString(),
    note: 'Follow-up call',
  });
  expect(next.status).toBe(200);
  await waitUntil(async () => (await journal(id)).length >= next.body.seq);
  const events = await journal(id);
  expect(events).toEqual(
    expect.arrayContaining([`${lost.seq}:activity_logged`, `${next.body.seq}:activity_logged`]),
  );
  // Every seq from 1 to the latest, exactly once.
  expect(events.map((e) => Number(e.split(':')[0]))).toEqual(
    Array.from({ length: next.body.seq }, (_, i) => i + 1),
  );
  const activities = await app.db.prisma.salesActivity.findMany({
    where: { opportunityId: id },
    orderBy: { seq: 'asc' },
  });
  expect(activities.map((a) => a.note)).toEqual(['Visit whose projection was lost', 'Follow-up call']);
  const row = await app.db.prisma.opportunity.findUniqueOrThrow({ where: { id } });
  expect(row.lastEventSeq).toBe(next.body.seq);
});

test('a repeated Idempotency-Key answers the first result and projects nothing twice', async () => {
  const id = await createDeal();
  const body = { kind: 'email', occurredAt: new Date().toISOString(), note: 'Sent the proposal' };
  const key = randomUUID();
  const first = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, body, {
    'Idempotency-Key': key,
  });
  const again = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, body, {
    'Idempotency-Key': key,
  });
  expect(first.status).toBe(200);
  expect(again.body).toEqual(first.body);
  await waitUntil(
    async () => (await app.db.prisma.salesActivity.count({ where: { opportunityId: id } })) > 0,
  );
  await new Promise((r) => setTimeout(r, 300));
  expect(await app.db.prisma.salesActivity.count({ where: { opportunityId: id } })).toBe(1);
});
