// The whole-book handover (离职继承, issue 11) through the real API, Temporal and PostgreSQL: a
// leaving manager's claims, open deal and the approval waiting on them go to the successor in one
// durable run. The dry run lists them; the real run moves the claims (owner history with the
// reason), gives the deal to the successor (who may then act on it, and whose manager line now
// decides its approvals), hands the leaver's report to the successor so the report's pending
// approval is re-routed to them; a retry with the same Idempotency-Key is the same run.
import { issueApiToken } from '../../src/auth/api-tokens';
import { readAccountState, sendAccountCommand } from '../../src/customers/claims-client';
import { createDeal, startTestApp, type TestApp, type TestUser } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
let leaver: TestUser;
let successor: TestUser;
let report: TestUser;

async function user(name: string, role: TestUser['role'], managerId: string): Promise<TestUser> {
  const u = await app.db.prisma.user.create({
    data: {
      name,
      email: `${name.toLowerCase().replace(/\W/g, '.')}@test.psm`,
      role,
      managerId,
      locale: 'en',
    },
  });
  const t = await issueApiToken(app.db.prisma, { userId: u.id, label: 'test', ttlDays: 30 });
  return { id: u.id, email: u.email, token: t.token, role };
}

beforeAll(async () => {
  app = await startTestApp();
  leaver = await user('Lea Leaver', 'manager', app.org.director.id);
  successor = await user('Sam Successor', 'manager', app.org.director.id);
  report = await user('Ron Report', 'rep', leaver.id);
});
afterAll(async () => {
  await app?.stop();
});

const target = () => ({ client: app.client, taskQueue: app.taskQueue });

async function claimedBy(holder: TestUser, name: string): Promise<string> {
  const created = await app.api(app.org.admin, 'POST', '/api/accounts', { name });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await sendAccountCommand(target(), id, 'claim', {
    requestId: `claim-${id}`,
    actor: { userId: holder.id, role: holder.role },
  });
  await waitUntil(
    async () =>
      (await app.db.prisma.account.findUnique({ where: { id } }))?.ownerId === holder.id || undefined,
    20_000,
    `account ${name} claimed in the read model`,
  );
  return id;
}

const handover = (caller: TestUser, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  app.api(caller, 'POST', '/api/admin/handover', body, headers);

it('refuses non-admins, the same person, unknown users', async () => {
  const body = { fromUserId: leaver.id, toUserId: successor.id, reason: '离职', dryRun: true };
  for (const caller of [app.org.repA1, app.org.managerA, app.org.director])
    expect(await handover(caller, body)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
  expect(await handover(app.org.admin, { ...body, toUserId: leaver.id })).toMatchObject({
    status: 400,
    body: { error: { code: 'INVALID_INPUT' } },
  });
  expect(
    await handover(app.org.admin, { ...body, toUserId: '00000000-0000-4000-8000-000000000000' }),
  ).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  expect((await handover(app.org.admin, { ...body, fromUserId: 'nobody' })).status).toBe(400);
  expect((await app.api(app.org.repA1, 'GET', '/api/admin/handover/0123456789abcdef')).status).toBe(403);
  expect((await app.api(app.org.admin, 'GET', '/api/admin/handover/0123456789abcdef')).status).toBe(404);
});

it('lists the book in a dry run, then moves claims, deals and approvals once', async () => {
  const accA = await claimedBy(leaver, '上海远航物流有限公司');
  const accB = await claimedBy(leaver, '深圳光谷电子有限公司');
  const deal = await createDeal(app, { name: '远航仓配', account: '上海远航物流', amount: 40_000 }, leaver);
  // A deal on a new name: the link trigger makes its account, held by the leaver, with no workflow.
  const newDeal = await createDeal(
    app,
    { name: '新客户首单', account: '佛山南海陶瓷', amount: 8_000 },
    leaver,
  );
  const reportDeal = await createDeal(
    app,
    { name: '报告人项目', account: '深圳光谷电子', amount: 30_000 },
    report,
  );
  await waitUntil(
    async () =>
      (await app.db.prisma.opportunity.count({ where: { id: { in: [deal, newDeal, reportDeal] } } })) === 3 ||
      undefined,
    20_000,
    'deals projected',
  );
  const asked = await app.api(report, 'POST', `/api/opportunities/${reportDeal}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  expect(asked.status).toBe(200);
  const approvalId = asked.body.approvalId as string;
  await waitUntil(
    async () =>
      (await app.db.prisma.approval.findUnique({ where: { id: approvalId } }))?.approverId === leaver.id ||
      undefined,
    20_000,
    'the approval waits on the leaver',
  );

  const accNew = await waitUntil(
    async () =>
      (await app.db.prisma.opportunity.findUnique({ where: { id: newDeal } }))?.accountId ?? undefined,
    20_000,
    'the new deal linked to its new account',
  );
  expect((await app.db.prisma.account.findUniqueOrThrow({ where: { id: accNew } })).ownerId).toBe(leaver.id);

  const body = { fromUserId: leaver.id, toUserId: successor.id, reason: '离职交接', dryRun: true };
  const dry = await handover(app.org.admin, body);
  expect(dry.status).toBe(200);
  expect(dry.body.claims.map((c: { accountId: string }) => c.accountId).sort()).toEqual(
    [accA, accB, accNew].sort(),
  );
  expect(dry.body.deals.map((d: { id: string }) => d.id).sort()).toEqual([deal, newDeal].sort());
  expect(dry.body.approvals).toEqual([{ opportunityId: reportDeal, approvalId }]);
  // A dry run moves nothing.
  expect((await app.db.prisma.account.findUniqueOrThrow({ where: { id: accA } })).ownerId).toBe(leaver.id);

  const key = { 'Idempotency-Key': 'handover-lea-0001' };
  const run = await handover(app.org.admin, { ...body, dryRun: false }, key);
  expect(run.status).toBe(202);
  const handoverId = run.body.handoverId as string;
  const progress = await waitUntil(
    async () => {
      const p = await app.api(app.org.admin, 'GET', `/api/admin/handover/${handoverId}`);
      return p.body.status === 'done' ? p.body : undefined;
    },
    60_000,
    'handover done',
  );
  expect(progress).toMatchObject({ handoverId, status: 'done', total: 6, done: 6, failed: 0, moved: 6 });

  // Claims: the successor holds them, with the reason in the owner history.
  for (const id of [accA, accB, accNew]) {
    expect((await readAccountState(target(), id))?.ownerId).toBe(successor.id);
    const change = await waitUntil(
      () => app.db.prisma.accountOwnerChange.findFirst({ where: { accountId: id, reason: 'handover' } }),
      20_000,
      'owner history written',
    );
    expect(change).toMatchObject({
      fromUserId: leaver.id,
      toUserId: successor.id,
      actorId: app.org.admin.id,
      note: '离职交接',
    });
  }
  // The deal: its workflow and the read model say the successor, who may act on it; the leaver's
  // items are recorded with the reason.
  const state = (await app.api(successor, 'GET', `/api/opportunities/${deal}`)).body;
  expect(state.ownerId).toBe(successor.id);
  // Reminders go to the owner and escalations up the owner's line: now the successor's.
  expect(state.reportingLine.userId).toBe(successor.id);
  expect(state.reportingLine).toMatchObject({ managerId: app.org.director.id });
  expect(state.reportingLine.chain).toContain(app.org.director.id);
  expect(state.reportingLine.chain).not.toContain(leaver.id);
  expect((await app.db.prisma.opportunity.findUniqueOrThrow({ where: { id: deal } })).ownerId).toBe(
    successor.id,
  );
  expect(
    (
      await app.api(successor, 'POST', `/api/opportunities/${deal}/activities`, {
        kind: 'call',
        occurredAt: new Date().toISOString(),
        note: '接手后首次回访',
      })
    ).status,
  ).toBe(200);
  // The approval the leaver was to decide now waits on the successor (the report's new manager).
  expect((await app.db.prisma.user.findUniqueOrThrow({ where: { id: report.id } })).managerId).toBe(
    successor.id,
  );
  const rerouted = await waitUntil(
    () =>
      app.db.prisma.approval.findFirst({
        where: { opportunityId: reportDeal, status: 'pending', approverId: successor.id },
      }),
    20_000,
    'approval re-routed to the successor',
  );
  expect((await app.db.prisma.approval.findUniqueOrThrow({ where: { id: approvalId } })).status).toBe(
    'cancelled',
  );
  const decided = await app.api(
    successor,
    'POST',
    `/api/opportunities/${reportDeal}/approvals/${rerouted.id}/decision`,
    { decision: 'approved' },
  );
  expect(decided.status).toBe(200);
  const items = await app.db.prisma.bookHandoverItem.findMany({ where: { handoverId } });
  expect(items.map((i) => `${i.kind}:${i.outcome}`).sort()).toEqual([
    'approval:moved',
    'claim:moved',
    'claim:moved',
    'claim:moved',
    'deal:moved',
    'deal:moved',
  ]);
  expect(new Set(items.map((i) => i.reason))).toEqual(new Set(['离职交接']));

  // The same Idempotency-Key: the same run, nothing moved twice.
  const again = await handover(app.org.admin, { ...body, dryRun: false }, key);
  expect(again).toMatchObject({ status: 202, body: { handoverId, status: 'done' } });
  expect(await app.db.prisma.bookHandoverItem.count({ where: { handoverId } })).toBe(6);
  expect(
    await app.db.prisma.accountOwnerChange.count({ where: { accountId: accA, reason: 'handover' } }),
  ).toBe(1);
  // Nothing is left in the leaver's book.
  const after = await handover(app.org.admin, body);
  expect(after.body).toMatchObject({ claims: [], deals: [], approvals: [] });
});
