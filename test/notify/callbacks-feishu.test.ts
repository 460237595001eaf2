// Approvals from Feishu, end to end on the real app (API, worker, Temporal workflow, read model)
// with its Feishu app on the local Feishu server: the challenge handshake, a click answered
// within Feishu's 3 s with the new card, every attack refused with nothing changed, and a
// decision slower than the deadline answered at once and the card updated afterwards.
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createChatCallbacksRouter } from '../../src/api/routes/chat-callbacks';
import type { NotificationRequest } from '../../src/contracts/activities';
import { createActionLinks } from '../../src/links';
import { renderApprovalCard } from '../../src/notify/cards';
import { createChatDecider } from '../../src/notify/callbacks/decide-from-chat';
import { createFeishuCallbackHandler } from '../../src/notify/callbacks/feishu-callback';
import { createFeishuCardUpdater } from '../../src/notify/callbacks/feishu-card-updater';
import { createFeishuAppClient } from '../../src/notify/platforms/feishu';
import { createCommandProjector } from '../../src/opportunities/command-projection';
import { createOpportunityClient } from '../../src/opportunities/workflow-client';
import { createDeal, startTestApp, type TestApp } from '../support/app';
import { FeishuCallbackServer } from '../support/im/feishu-callbacks';
import { waitUntil } from '../support/wait';

let app: TestApp;
let feishu: FeishuCallbackServer;
const linkSecret = randomBytes(32).toString('hex');
let url: string;

beforeAll(async () => {
  feishu = await new FeishuCallbackServer().start();
  feishu.addUser('ou_mia', 'ou_wang');
  app = await startTestApp({
    env: {
      LINK_SECRET: linkSecret,
      FEISHU_API_BASE_URL: feishu.baseUrl,
      FEISHU_APP_ID: feishu.appId,
      FEISHU_APP_SECRET: feishu.appSecret,
      FEISHU_VERIFICATION_TOKEN: feishu.verificationToken,
      FEISHU_ENCRYPT_KEY: feishu.encryptKey,
    },
  });
  url = `${app.baseUrl}/chat-callbacks/feishu`;
  await app.db.prisma.userChannel.create({
    data: { userId: app.org.managerA.id, position: 0, channel: 'feishu_app', platformUserId: 'ou_mia' },
  });
  await app.db.prisma.userChannel.create({
    data: { userId: app.org.managerB.id, position: 0, channel: 'feishu_app', platformUserId: 'ou_wang' },
  });
});
afterAll(async () => {
  await app?.stop();
  await feishu?.stop();
});

const dealView = async (id: string) => (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body;
const approvalIn = async (id: string, approvalId: string) =>
  (await dealView(id)).approvals.find((a: { id: string }) => a.id === approvalId);

async function approvalCard() {
  const id = await createDeal(app, {
    name: `Feishu deal ${randomBytes(3).toString('hex')}`,
    account: 'Acme',
    amount: 9000,
  });
  const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  expect(req.status).toBe(200);
  const approvalId = req.body.approvalId as string;
  const state = await dealView(id);
  const approval = state.pendingApprovals.find((a: { id: string }) => a.id === approvalId);
  const request: NotificationRequest = {
    key: `approval_request:${approvalId}`,
    template: 'approval_request',
    recipientUserId: app.org.managerA.id,
    deal: {
      opportunityId: id,
      name: state.name,
      account: state.account,
      amount: state.amount,
      currency: 'CNY',
      ownerId: app.org.repA1.id,
      milestone: state.milestone,
      milestoneIndex: 0,
      daysInStage: 0,
      lastActivityAt: null,
      missingCriteria: [],
      noSponsorWarning: false,
    },
    approval: { ...approval, amount: null, comment: null, decidedById: null, status: 'pending' },
  };
  const links = createActionLinks({
    prisma: app.db.prisma,
    secret: linkSecret,
    publicBaseUrl: app.baseUrl,
    ttlHours: 72,
  });
  const payload = await renderApprovalCard(
    { prisma: app.db.prisma, links, publicBaseUrl: app.baseUrl },
    request,
    'feishu_app',
    {
      id: app.org.managerA.id,
      locale: 'en',
    },
  );
  const client = createFeishuAppClient({
    baseUrl: feishu.baseUrl,
    appId: feishu.appId,
    appSecret: feishu.appSecret,
  });
  const sent = await client.send({
    target: { kind: 'user', platformUserId: 'ou_mia' },
    payload: payload!,
    idempotencyKey: request.key,
  });
  expect(sent.outcome).toBe('sent');
  const delivered = feishu.delivered.filter((d) => d.to === 'ou_mia').pop()!;
  expect(delivered.msgType).toBe('interactive');
  return { id, approvalId, card: delivered.content as Record<string, any> };
}

it('answers the challenge only with our verification token and encrypt key', async () => {
  const ok = await feishu.challenge(url);
  expect(ok).toMatchObject({ status: 200, body: { challenge: ok.challenge } });
  expect(await feishu.challenge(url, { verificationToken: 'someone-elses' })).toMatchObject({ status: 401 });
});

it('approves from the card within the 3 s answer, which carries the decided card; attacks change nothing', async () => {
  const { id, approvalId, card } = await approvalCard();
  const before = (await dealView(id)).approvals;
  const attacks = [
    await feishu.click(url, card, { openId: 'ou_mia', signWith: 'not-our-key' }),
    await feishu.click(url, card, { openId: 'ou_mia', unsigned: true }),
    await feishu.click(url, card, { openId: 'ou_mia', timestamp: Math.floor(Date.now() / 1000) - 3600 }),
    await feishu.click(url, card, { openId: 'ou_mia', verificationToken: 'someone-elses' }),
  ];
  expect(attacks.map((a) => [a.status, a.outcome])).toEqual([
    [401, 'refused:CALLBACK_SIGNATURE_INVALID'],
    [401, 'refused:CALLBACK_SIGNATURE_INVALID'],
    [401, 'refused:CALLBACK_STALE'],
    [401, 'refused:CALLBACK_SIGNATURE_INVALID'],
  ]);
  const wrongUser = await feishu.click(url, card, { openId: 'ou_wang' });
  expect(wrongUser).toMatchObject({
    status: 200,
    outcome: 'refused:FORBIDDEN',
    body: { toast: { type: 'error' } },
  });
  expect(wrongUser.body.card).toBeUndefined();
  expect((await dealView(id)).approvals).toEqual(before);

  const click = await feishu.click(url, card, { openId: 'ou_mia', button: 0 });
  expect(click).toMatchObject({
    status: 200,
    outcome: 'decided:approved',
    body: { toast: { type: 'success', content: 'Approved, thank you.' } },
  });
  expect(click.elapsedMs).toBeLessThan(3000);
  expect(JSON.stringify(click.body.card.data)).toContain('Approved by Mia Manager');
  expect(JSON.stringify(click.body.card.data)).not.toContain('psmToken');
  expect(await approvalIn(id, approvalId)).toMatchObject({
    status: 'approved',
    decidedById: app.org.managerA.id,
  });

  const twice = await feishu.click(url, card, { openId: 'ou_mia', button: 1 });
  expect(twice).toMatchObject({ status: 200, outcome: 'refused:ALREADY_DECIDED' });
  expect(JSON.stringify(twice.body.card.data)).toContain('Approved by Mia Manager');
  expect(await approvalIn(id, approvalId)).toMatchObject({ status: 'approved' });
});

it('a decision slower than Feishu allows is acknowledged at once, done once, and the card updated later', async () => {
  const { id, approvalId, card } = await approvalCard();
  // The real command path, behind a Temporal that takes 4 s to answer.
  const real = createOpportunityClient({
    client: app.client,
    taskQueue: app.taskQueue,
    timeoutMs: 10_000,
    projector: createCommandProjector({ prisma: app.db.prisma, client: app.client, timeoutMs: 10_000 }),
  });
  const slow: Pick<typeof real, 'command'> = {
    command: async (...args) => {
      await new Promise((r) => setTimeout(r, 4_000));
      return real.command(...args);
    },
  };
  const links = createActionLinks({
    prisma: app.db.prisma,
    secret: linkSecret,
    publicBaseUrl: app.baseUrl,
    ttlHours: 72,
  });
  const handler = createFeishuCallbackHandler({
    verificationToken: feishu.verificationToken,
    encryptKey: feishu.encryptKey,
    prisma: app.db.prisma,
    decider: createChatDecider({ prisma: app.db.prisma, links, opportunities: slow }),
    updater: createFeishuCardUpdater({
      baseUrl: feishu.baseUrl,
      appId: feishu.appId,
      appSecret: feishu.appSecret,
    }),
    maxAgeSeconds: 300,
    publicBaseUrl: app.baseUrl,
    onError: (err) => {
      throw err;
    },
  });
  const local = express().use(createChatCallbacksRouter({ handlers: { feishu: handler } }));
  const server = await new Promise<Server>((resolve) => {
    const s = local.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const slowUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat-callbacks/feishu`;
    const [first, second] = await Promise.all([
      feishu.click(slowUrl, card, { openId: 'ou_mia', button: 0 }),
      feishu.click(slowUrl, card, { openId: 'ou_mia', button: 0 }),
    ]);
    expect(first.elapsedMs).toBeLessThan(3000);
    expect(second.elapsedMs).toBeLessThan(3000);
    expect([first.outcome, second.outcome].sort()).toEqual(['pending', 'refused:TOKEN_USED']);
    await handler.idle();
    expect(await approvalIn(id, approvalId)).toMatchObject({ status: 'approved' });
    const pending = first.outcome === 'pending' ? first : second;
    await waitUntil(
      async () => feishu.cardUpdates.find((u) => u.token === pending.updateToken),
      10_000,
      'card update',
    );
    const update = feishu.cardUpdates.find((u) => u.token === pending.updateToken)!;
    expect(JSON.stringify(update.card)).toContain('Approved by Mia Manager');
    expect(update.card.open_ids).toEqual(['ou_mia']);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
