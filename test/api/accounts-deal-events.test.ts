// Deal events reach the account (issue 11), through the real API, Temporal and PostgreSQL: a deal
// opened on a claimed account moves it to intent, a call logged on the deal resets the claim clock
// (lapsesAt moves), milestones past the protection threshold protect it, losing ends that, winning
// makes it an order customer. A queued event re-sent (a process died after the Update) journals
// nothing twice; one left undelivered by a dead API is sent by the sweeper.
import { sendAccountCommand, readAccountState } from '../../src/customers/claims-client';
import {
  QUEUED_DEAL_EVENT_TYPES,
  createDealEventDelivery,
  dealEventRequestId,
} from '../../src/customers/deal-events';
import { PSM_PROCESS } from '../../workflows/psm-process';
import type { AccountView } from '../../workflows/account-types';
import { createDeal, startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const target = () => ({ client: app.client, taskQueue: app.taskQueue });

/** Creates an account through the API and has rep A1 claim it (the account workflow's Update). */
async function claimedAccount(name: string): Promise<string> {
  const created = await app.api(app.org.managerA, 'POST', '/api/accounts', { name });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await sendAccountCommand(target(), id, 'claim', {
    requestId: `claim-${id}`,
    actor: { userId: app.org.repA1.id, role: 'rep' },
  });
  await waitUntil(
    async () =>
      (await app.db.prisma.account.findUnique({ where: { id } }))?.ownerId === app.org.repA1.id || undefined,
    20_000,
    'claim projected',
  );
  return id;
}

const accountUntil = (id: string, ok: (a: AccountView) => boolean, what: string) =>
  waitUntil(
    async () => {
      const a = await readAccountState(target(), id);
      return a && ok(a) ? a : undefined;
    },
    20_000,
    what,
  );

async function initiate(dealId: string): Promise<void> {
  const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${dealId}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  expect(req.status).toBe(200);
  const dec = await app.api(
    app.org.managerA,
    'POST',
    `/api/opportunities/${dealId}/approvals/${req.body.approvalId}/decision`,
    { decision: 'approved' },
  );
  expect(dec.status).toBe(200);
  await complete(dealId, PSM_PROCESS.milestones[0]!);
}

async function complete(dealId: string, m: (typeof PSM_PROCESS.milestones)[number]): Promise<void> {
  const criteriaMet = m.rule === 'all' ? m.criteria.map((c) => c.key) : [m.criteria[0]!.key];
  const res = await app.api(app.org.repA1, 'POST', `/api/opportunities/${dealId}/milestones`, {
    milestone: m.key,
    criteriaMet,
    evidence: `Evidence for ${m.key}`,
  });
  expect({ milestone: m.key, status: res.status }).toEqual({ milestone: m.key, status: 200 });
}

it('the API kicks delivery after projecting exactly the event types the trigger queues', async () => {
  // kick() skips a projection with none of QUEUED_DEAL_EVENT_TYPES: a type the trigger queues but
  // the list lacks would wait for the sweeper, one the list has but the trigger lacks costs a query.
  const [row] = await app.db.prisma.$queryRaw<{ def: string }[]>`
    SELECT pg_get_functiondef('opportunity_event_to_account'::regproc) AS def`;
  const list = /NEW\."type" NOT IN \(([^)]*)\)/.exec(row!.def);
  expect(list).not.toBeNull();
  const queued = [...list![1]!.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
  expect(queued.length).toBeGreaterThan(0);
  expect(new Set(queued)).toEqual(new Set(QUEUED_DEAL_EVENT_TYPES));
});

it('opening a deal makes a claimed account intent; a call on the deal moves its lapse date', async () => {
  const accountId = await claimedAccount('杭州云帆科技有限公司');
  const claimed = await readAccountState(target(), accountId);
  expect(claimed).toMatchObject({ funnelStep: 'listed', ownerId: app.org.repA1.id });

  const dealId = await createDeal(app, { name: '云帆 ERP', account: '杭州云帆科技', amount: 50_000 });
  const opened = await accountUntil(accountId, (a) => a.funnelStep === 'intent', 'account at intent');
  expect(opened.deals[dealId]).toEqual({ milestoneIndex: 0, open: true });
  expect(opened.ownerId).toBe(app.org.repA1.id);
  // The read model follows the workflow.
  await waitUntil(
    async () =>
      (await app.db.prisma.account.findUnique({ where: { id: accountId } }))?.funnelStep === 'intent' ||
      undefined,
    20_000,
    'Account row at intent',
  );

  const before = opened.lapsesAt as string;
  const call = await app.api(app.org.repA1, 'POST', `/api/opportunities/${dealId}/activities`, {
    kind: 'call',
    occurredAt: new Date().toISOString(),
    note: '电话回访',
  });
  expect(call.status).toBe(200);
  const after = await accountUntil(
    accountId,
    (a) => a.events.some((e) => e.type === 'sales_action' && e.data.opportunityId === dealId),
    'sales action journalled',
  );
  expect(Date.parse(after.lapsesAt as string)).toBeGreaterThan(Date.parse(before));
  expect(after.lastSalesActionAt).not.toBeNull();
});

it('progress past the threshold protects the account, losing ends it; winning makes it an order', async () => {
  const accountId = await claimedAccount('苏州博远精密机械有限公司');
  const dealId = await createDeal(app, { name: '博远产线', account: '苏州博远精密机械', amount: 60_000 });
  await accountUntil(accountId, (a) => a.deals[dealId] !== undefined, 'deal linked');
  await initiate(dealId);
  const protectAt = PSM_PROCESS.milestones.findIndex(
    (m) => m.key === PSM_PROCESS.customerFunnel.claims.protectFromMilestone,
  );
  for (const m of PSM_PROCESS.milestones.slice(1, protectAt + 1)) await complete(dealId, m);
  expect(protectAt).toBeGreaterThanOrEqual(0);
  const guarded = await accountUntil(accountId, (a) => a.protected, 'account protected');
  expect(guarded.lapsesAt).toBeNull();

  const lost = await app.api(app.org.repA1, 'POST', `/api/opportunities/${dealId}/lost`, {
    reason: 'Competitor price',
  });
  expect(lost.status).toBe(200);
  const unguarded = await accountUntil(accountId, (a) => !a.protected, 'protection ended');
  expect(unguarded.lapsesAt).not.toBeNull();
  expect(unguarded.deals[dealId]?.open).toBe(false);

  expect(
    (await app.api(app.org.repA1, 'POST', `/api/opportunities/${dealId}/reopen`, { reason: 'back' })).status,
  ).toBe(200);
  await accountUntil(accountId, (a) => a.protected, 'protected again after reopening');
  for (const m of PSM_PROCESS.milestones.slice(protectAt + 1)) await complete(dealId, m);
  const order = await accountUntil(accountId, (a) => a.funnelStep === 'order', 'account at order');
  expect(
    order.events.filter((e) => e.type === 'funnel_moved').map((e) => `${e.data.from}->${e.data.to}`),
  ).toEqual(['target->listed', 'listed->intent', 'intent->order']);
});

it('a re-sent deal event journals once, and the sweeper delivers what a dead API left queued', async () => {
  const accountId = await claimedAccount('宁波恒信电子有限公司');
  const dealId = await createDeal(app, { name: '恒信一期', account: '宁波恒信电子', amount: 20_000 });
  await accountUntil(accountId, (a) => a.funnelStep === 'intent', 'account at intent');
  const call = await app.api(app.org.repA1, 'POST', `/api/opportunities/${dealId}/activities`, {
    kind: 'visit',
    occurredAt: new Date().toISOString(),
    note: 'on site',
  });
  expect(call.status).toBe(200);
  const sent = await accountUntil(
    accountId,
    (a) => a.events.some((e) => e.type === 'sales_action'),
    'sales action journalled',
  );
  const row = await app.db.prisma.accountDealEvent.findFirstOrThrow({
    where: { opportunityId: dealId, type: 'activity_logged' },
  });
  expect(row).toMatchObject({ accountId, outcome: 'sent' });

  // As if the process died after the Update but before it marked the row: it is sent again.
  await app.db.prisma.accountDealEvent.update({
    where: { opportunityId_seq: { opportunityId: dealId, seq: row.seq } },
    data: { deliveredAt: null, outcome: null },
  });
  const delivery = createDealEventDelivery({
    prisma: app.db.prisma,
    client: app.client,
    taskQueue: app.taskQueue,
  });
  await waitUntil(
    async () =>
      (
        await app.db.prisma.accountDealEvent.findUnique({
          where: { opportunityId_seq: { opportunityId: dealId, seq: row.seq } },
        })
      )?.deliveredAt ?? (await delivery.deliverPending({ opportunityId: dealId }), undefined),
    20_000,
    'the row delivered again',
  );
  const again = await readAccountState(target(), accountId);
  expect(again?.seq).toBe(sent.seq);
  expect(again?.events.filter((e) => e.type === 'sales_action')).toHaveLength(1);
  expect(dealEventRequestId(dealId, row.seq)).toBe(`deal-event:${dealId}:${row.seq}`);

  // A queued event nobody kicked (its API died right after projecting): the sweeper sends it.
  const event = await app.db.prisma.opportunityEvent.findFirstOrThrow({
    where: { opportunityId: dealId, type: 'activity_logged' },
  });
  await app.db.prisma.opportunityEvent.create({
    data: {
      opportunityId: dealId,
      seq: 10_000,
      type: 'activity_logged',
      actorId: app.org.repA1.id,
      occurredAt: new Date(),
      payload: { ...(event.payload as object), kind: 'meeting' },
    },
  });
  await accountUntil(
    accountId,
    (a) => a.events.filter((e) => e.type === 'sales_action').length === 2,
    'the swept event journalled',
  );
});

it('creates a deal on an account by id: the owner’s claim only, the account’s name, linked to it', async () => {
  const accountId = await claimedAccount('成都天府云计算有限公司');
  const account = await app.db.prisma.account.findUniqueOrThrow({ where: { id: accountId } });
  const res = await app.api(app.org.repA1, 'POST', '/api/opportunities', {
    name: '天府上云',
    accountId,
    amount: 10_000,
  });
  expect(res.status).toBe(201);
  expect(res.body.account).toBe(account.name);
  const dealId = res.body.id as string;
  await waitUntil(
    async () =>
      (await app.db.prisma.opportunity.findUnique({ where: { id: dealId } }))?.accountId === accountId ||
      undefined,
    20_000,
    'deal linked to the account',
  );
  await accountUntil(accountId, (a) => a.funnelStep === 'intent', 'account at intent');

  // A manager opening it for the rep who holds it.
  const forRep = await app.api(app.org.managerA, 'POST', '/api/opportunities', {
    name: '天府二期',
    accountId,
    amount: 5_000,
    ownerId: app.org.repA1.id,
  });
  expect(forRep.status).toBe(201);
  // Someone else's claim, a pool account, an unknown one, both ways at once.
  expect(
    await app.api(app.org.repA2, 'POST', '/api/opportunities', { name: 'x', accountId, amount: 1 }),
  ).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  const pool = await app.api(app.org.managerA, 'POST', '/api/accounts', { name: '公海里的客户有限公司' });
  expect(
    await app.api(app.org.repA1, 'POST', '/api/opportunities', {
      name: 'x',
      accountId: pool.body.id,
      amount: 1,
    }),
  ).toMatchObject({ status: 422, body: { error: { code: 'ACCOUNT_NOT_CLAIMED' } } });
  expect(
    await app.api(app.org.repA1, 'POST', '/api/opportunities', {
      name: 'x',
      accountId: 'acc-none',
      amount: 1,
    }),
  ).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  expect(
    await app.api(app.org.repA1, 'POST', '/api/opportunities', {
      name: 'x',
      accountId,
      account: 'Other',
      amount: 1,
    }),
  ).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  expect((await app.api(app.org.repA1, 'POST', '/api/opportunities', { name: 'x', amount: 1 })).status).toBe(
    400,
  );
});

it('a deal on a new name: its account (made by the link trigger, held by the owner) keeps its owner', async () => {
  const dealId = await createDeal(app, { name: '首单', account: '温州瓯江阀门', amount: 3_000 });
  const accountId = await waitUntil(
    async () =>
      (await app.db.prisma.opportunity.findUnique({ where: { id: dealId } }))?.accountId ?? undefined,
    20_000,
    'deal linked',
  );
  const opened = await accountUntil(accountId, (a) => a.deals[dealId] !== undefined, 'deal opened on it');
  expect(opened).toMatchObject({ ownerId: app.org.repA1.id, funnelStep: 'intent' });
  expect(opened.lapsesAt).not.toBeNull();
  // The workflow's projection writes the row: the owner stays.
  const row = await waitUntil(
    async () => {
      const r = await app.db.prisma.account.findUnique({ where: { id: accountId } });
      return r && r.seq > 0 ? r : undefined;
    },
    20_000,
    'account projected',
  );
  expect(row).toMatchObject({ ownerId: app.org.repA1.id, funnelStep: 'intent' });
});

it('many deals opened on one account at once all reach it, each event sent once', async () => {
  const accountId = await claimedAccount('青岛海湾化工有限公司');
  const deals = await Promise.all(
    Array.from({ length: 15 }, (_, i) =>
      createDeal(app, { name: `海湾 ${i + 1}`, account: '青岛海湾化工', amount: 1_000 + i }),
    ),
  );
  const account = await accountUntil(
    accountId,
    (a) => deals.every((d) => a.deals[d] !== undefined),
    'every deal linked on the account',
  );
  expect(account.funnelStep).toBe('intent');
  // A row is settled after its Update answered, so the account can show the deal first.
  const rows = await waitUntil(
    async () => {
      const r = await app.db.prisma.accountDealEvent.findMany({
        where: { opportunityId: { in: deals }, type: 'created' },
      });
      return r.length === deals.length && r.every((x) => x.deliveredAt !== null) ? r : undefined;
    },
    20_000,
    'every deal-created event settled',
  );
  expect(rows.map((r) => [r.outcome, r.attempts])).toEqual(deals.map(() => ['sent', 1]));
});
