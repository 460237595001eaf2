// Approvals from DingTalk interactive cards, end to end on the real app (API, worker, Temporal
// workflow, PostgreSQL read model) with its DingTalk app on the local DingTalk server: the
// workflow's approval request reaches manager A as an interactive card (new-style API), a click
// is verified (HMAC-SHA256 timestamp signature), mapped to our user, decided exactly once and the
// card updated; every attack is refused with nothing changed; a decision slower than DingTalk's
// 1.5 s is answered in time and finished in the background. Without a card template the DingTalk
// approval stays a work-notification action_card.
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createChatCallbacksRouter } from '../../src/api/routes/chat-callbacks';
import { parseImConfig } from '../../src/config/im';
import { createActionLinks } from '../../src/links';
import { buildApprovalCard } from '../../src/notify/cards';
import { createChatDecider } from '../../src/notify/callbacks/decide-from-chat';
import { createDingTalkCallbackHandler } from '../../src/notify/callbacks/dingtalk-callback';
import { createDingTalkCardApi } from '../../src/notify/dingtalk-cards';
import { createChannelClients } from '../../src/notify/platforms';
import { createCommandProjector } from '../../src/opportunities/command-projection';
import { createOpportunityClient } from '../../src/opportunities/workflow-client';
import { createDeal, readModelJournal, startTestApp, type TestApp } from '../support/app';
import { DingTalkCardServer, type DingTalkCard } from '../support/im/dingtalk-callbacks';
import { waitUntil } from '../support/wait';

let app: TestApp;
let ding: DingTalkCardServer;
const linkSecret = randomBytes(32).toString('hex');
const templateId = 'psm-approval.schema';
let url: string;

beforeAll(async () => {
  ding = await new DingTalkCardServer().start();
  ding.addMember('mia.ding', 'wang.ding', 'stranger.ding');
  app = await startTestApp({
    env: {
      LINK_SECRET: linkSecret,
      DINGTALK_API_BASE_URL: ding.baseUrl,
      DINGTALK_CARD_API_BASE_URL: ding.baseUrl,
      DINGTALK_APP_KEY: ding.appKey,
      DINGTALK_APP_SECRET: ding.appSecret,
      DINGTALK_AGENT_ID: String(ding.agentId),
      DINGTALK_CARD_TEMPLATE_ID: templateId,
      DINGTALK_CARD_CALLBACK_ROUTE_KEY: 'psm-approvals',
    },
  });
  url = `${app.baseUrl}/chat-callbacks/dingtalk`;
  await app.db.prisma.userChannel.create({
    data: { userId: app.org.managerA.id, position: 0, channel: 'dingtalk_app', platformUserId: 'mia.ding' },
  });
  await app.db.prisma.userChannel.create({
    data: { userId: app.org.managerB.id, position: 0, channel: 'dingtalk_app', platformUserId: 'wang.ding' },
  });
});
afterAll(async () => {
  await app?.stop();
  await ding?.stop();
});

const dealView = async (id: string) => (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body;
const approvalIn = async (id: string, approvalId: string) =>
  (await dealView(id)).approvals.find((a: { id: string }) => a.id === approvalId);
const decisionsNow = async (id: string) =>
  (await readModelJournal(app, id)).filter((e) => e.endsWith(':approval_decided')).length;
/**
 * Decision events in the read model once the first has been projected (the deal's live state says
 * approved before its journal reaches the read model), after a pause in which a second could land.
 */
const decisions = async (id: string) => {
  await waitUntil(async () => (await decisionsNow(id)) > 0, 20_000, 'the decision in the read model');
  await new Promise((resolve) => setTimeout(resolve, 500));
  return decisionsNow(id);
};

/** Rep A1 asks for an approval; the workflow's notification reaches manager A as an interactive card. */
async function approvalCard(): Promise<{ id: string; approvalId: string; card: DingTalkCard }> {
  const name = `DingTalk deal ${randomBytes(3).toString('hex')}`;
  const id = await createDeal(app, { name, account: 'Acme', amount: 7000 });
  const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  expect(req.status).toBe(200);
  const approvalId = req.body.approvalId as string;
  const card = await waitUntil(
    async () => [...ding.cards.values()].find((c) => c.to === 'mia.ding' && c.params.title?.includes(name)),
    30_000,
    'the interactive card on DingTalk',
  );
  expect(card).toMatchObject({ templateId, callbackRouteKey: 'psm-approvals', params: { decided: 'false' } });
  expect(card.params.approveToken).not.toBe('');
  // Sent as an interactive card, not also as a work notification, and no email.
  expect(ding.delivered.filter((d) => JSON.stringify(d.body).includes(name))).toEqual([]);
  expect(
    await app.db.prisma.emailMessage.count({ where: { opportunityId: id, template: 'approval_request' } }),
  ).toBe(0);
  return { id, approvalId, card };
}

it('approves from the interactive card once and updates the card; forged, stale, replayed, wrong-user and unlinked clicks change nothing', async () => {
  const { id, approvalId, card } = await approvalCard();
  const before = (await dealView(id)).approvals;
  const attacks = [
    await ding.click(url, card.outTrackId, { userId: 'mia.ding', signWith: 'not-our-secret' }),
    await ding.click(url, card.outTrackId, { userId: 'mia.ding', unsigned: true }),
    await ding.click(url, card.outTrackId, { userId: 'mia.ding', timestamp: Date.now() - 3_600_000 }),
  ];
  expect(attacks.map((a) => [a.status, a.outcome, a.body.error?.code])).toEqual([
    [401, 'refused:CALLBACK_SIGNATURE_INVALID', 'CALLBACK_SIGNATURE_INVALID'],
    [401, 'refused:CALLBACK_SIGNATURE_INVALID', 'CALLBACK_SIGNATURE_INVALID'],
    [401, 'refused:CALLBACK_STALE', 'CALLBACK_STALE'],
  ]);
  // Manager B is linked but it is not their card; the stranger is not linked to anyone.
  const wrongUser = await ding.click(url, card.outTrackId, { userId: 'wang.ding' });
  expect(wrongUser).toMatchObject({ status: 200, outcome: 'refused:FORBIDDEN' });
  const unlinked = await ding.click(url, card.outTrackId, { userId: 'stranger.ding' });
  expect(unlinked).toMatchObject({ status: 200, outcome: 'refused:CHAT_USER_UNLINKED' });
  await handlerIdle();
  expect(ding.cardUpdates.filter((u) => u.outTrackId === card.outTrackId)).toEqual([]);
  expect((await dealView(id)).approvals).toEqual(before);

  const click = await ding.click(url, card.outTrackId, { userId: 'mia.ding', button: 'approve' });
  expect(click).toMatchObject({ status: 200, outcome: 'decided:approved' });
  expect(click.elapsedMs).toBeLessThan(1500);
  expect(await approvalIn(id, approvalId)).toMatchObject({
    status: 'approved',
    decidedById: app.org.managerA.id,
  });
  await waitUntil(
    async () => ding.cardUpdates.find((u) => u.outTrackId === card.outTrackId),
    10_000,
    'card update',
  );
  const shown = ding.cards.get(card.outTrackId)!.current;
  expect(shown).toMatchObject({ decided: 'true', approveToken: '', rejectToken: '' });
  expect(shown.status).toContain('Mia Manager');

  // The exact replay (the same signed button) and the other button: nothing more happens.
  const replay = await ding.click(url, card.outTrackId, { userId: 'mia.ding', button: 'approve' });
  expect(replay).toMatchObject({ status: 200, outcome: 'refused:TOKEN_USED' });
  const other = await ding.click(url, card.outTrackId, { userId: 'mia.ding', button: 'reject' });
  expect(other).toMatchObject({ status: 200, outcome: 'refused:ALREADY_DECIDED' });
  expect(await approvalIn(id, approvalId)).toMatchObject({ status: 'approved' });
  expect(await decisions(id)).toBe(1);
});

it('three concurrent clicks decide once', async () => {
  const { id, approvalId, card } = await approvalCard();
  const clicks = await Promise.all(
    [0, 1, 2].map(() => ding.click(url, card.outTrackId, { userId: 'mia.ding', button: 'reject' })),
  );
  expect(clicks.map((c) => c.outcome).sort()).toEqual([
    'decided:rejected',
    'refused:TOKEN_USED',
    'refused:TOKEN_USED',
  ]);
  expect(await approvalIn(id, approvalId)).toMatchObject({ status: 'rejected' });
  expect(await decisions(id)).toBe(1);
});

// The app's own handler is not reachable from here; wait for its card updates by polling a bit.
async function handlerIdle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
}

it('a decision slower than DingTalk allows is answered within 1.5 s, done once, and the card updated afterwards', async () => {
  const { id, approvalId, card } = await approvalCard();
  const real = createOpportunityClient({
    client: app.client,
    taskQueue: app.taskQueue,
    timeoutMs: 10_000,
    projector: createCommandProjector({ prisma: app.db.prisma, client: app.client, timeoutMs: 10_000 }),
  });
  const slow: Pick<typeof real, 'command'> = {
    command: async (...args) => {
      await new Promise((r) => setTimeout(r, 3_000));
      return real.command(...args);
    },
  };
  const links = createActionLinks({
    prisma: app.db.prisma,
    secret: linkSecret,
    publicBaseUrl: app.baseUrl,
    ttlHours: 72,
  });
  const handler = createDingTalkCallbackHandler({
    appSecret: ding.appSecret,
    prisma: app.db.prisma,
    decider: createChatDecider({ prisma: app.db.prisma, links, opportunities: slow }),
    cards: createDingTalkCardApi(ding, {
      apiBaseUrl: ding.baseUrl,
      templateId,
      robotCode: ding.appKey,
      callbackRouteKey: undefined,
    }),
    maxAgeSeconds: 300,
    publicBaseUrl: app.baseUrl,
    onError: (err) => {
      throw err;
    },
  });
  const local = express().use(createChatCallbacksRouter({ handlers: { dingtalk: handler } }));
  const server = await new Promise<Server>((resolve) => {
    const s = local.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const slowUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat-callbacks/dingtalk`;
    const [first, second] = await Promise.all([
      ding.click(slowUrl, card.outTrackId, { userId: 'mia.ding' }),
      ding.click(slowUrl, card.outTrackId, { userId: 'mia.ding' }),
    ]);
    expect(first.elapsedMs).toBeLessThan(1500);
    expect(second.elapsedMs).toBeLessThan(1500);
    expect([first.outcome, second.outcome].sort()).toEqual(['pending', 'refused:TOKEN_USED']);
    await handler.idle();
    expect(await approvalIn(id, approvalId)).toMatchObject({ status: 'approved' });
    expect(await decisions(id)).toBe(1);
    const shown = ding.cards.get(card.outTrackId)!.current;
    expect(shown).toMatchObject({ decided: 'true', approveToken: '' });
    expect(shown.status).toContain('Mia Manager');
  } finally {
    await new Promise((r) => server.close(r));
  }
});

it('without a card template, a DingTalk approval card stays a work-notification action_card', async () => {
  const im = parseImConfig({
    DINGTALK_API_BASE_URL: ding.baseUrl,
    DINGTALK_APP_KEY: ding.appKey,
    DINGTALK_APP_SECRET: ding.appSecret,
    DINGTALK_AGENT_ID: String(ding.agentId),
  });
  expect(im.dingtalk?.cards).toBeUndefined();
  const payload = buildApprovalCard('dingtalk', {
    template: 'approval_request',
    locale: 'en',
    timeZone: 'Asia/Shanghai',
    deal: {
      opportunityId: 'opp-1',
      name: 'Plain deal',
      account: 'Acme',
      amount: 1000,
      currency: 'CNY',
      ownerId: 'u1',
      milestone: 'project_initiation',
      milestoneIndex: 0,
      daysInStage: 0,
      lastActivityAt: null,
      missingCriteria: [],
      noSponsorWarning: false,
    },
    approval: {
      id: 'a1',
      kind: 'milestone_gate',
      milestone: 'project_initiation',
      amount: null,
      reason: null,
      requestedById: 'u1',
      approverId: 'u2',
      requestedAt: new Date().toISOString(),
      status: 'pending',
      decidedById: null,
      comment: null,
    },
    people: {},
    dealUrl: 'http://x/#/opportunities/opp-1',
    cardId: 'psm_plain',
    tokens: { approve: { token: 'ta', url: 'http://x/a' }, reject: { token: 'tr', url: 'http://x/r' } },
  });
  const sendsBefore = ding.requestsTo('/v1.0/im/interactiveCards/send').length;
  const sent = await createChannelClients(im).dingtalk_app!.send({
    target: { kind: 'user', platformUserId: 'mia.ding' },
    payload,
    idempotencyKey: 'plain',
  });
  expect(sent.outcome).toBe('sent');
  const delivered = ding.delivered.filter((d) => d.to === 'mia.ding').pop()!;
  expect(delivered.msgtype).toBe('action_card');
  expect(JSON.stringify(delivered.body)).not.toContain('psmInteractive');
  expect(JSON.stringify(delivered.body)).toContain('http://x/a');
  expect(ding.requestsTo('/v1.0/im/interactiveCards/send').length).toBe(sendsBefore);
});
