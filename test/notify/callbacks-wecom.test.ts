// Approvals from WeCom, end to end: the real app (API, worker, Temporal workflow, PostgreSQL read
// model) with its WeCom app pointed at the local WeCom server. A manager whose preferred channel
// is WeCom receives the approval card, approves it from the card, the workflow records the
// decision once, and the card turns into "Approved by …". Every attack on the callback changes
// nothing and gets a clear answer.
import { randomBytes } from 'node:crypto';
import { createActionLinks } from '../../src/links';
import { createDeal, startTestApp, type TestApp, type TestUser } from '../support/app';
import { WeComCallbackServer, type WeComCard } from '../support/im/wecom-callbacks';
import { waitUntil } from '../support/wait';

let app: TestApp;
let wecom: WeComCallbackServer;
const linkSecret = randomBytes(32).toString('hex');
let callbackUrl: string;

beforeAll(async () => {
  wecom = await new WeComCallbackServer().start();
  wecom.addMember('mia.manager', 'wang.jingli', 'diana.director');
  app = await startTestApp({
    env: {
      LINK_SECRET: linkSecret,
      WECOM_API_BASE_URL: wecom.baseUrl,
      WECOM_CORP_ID: wecom.corpId,
      WECOM_AGENT_ID: String(wecom.agentId),
      WECOM_APP_SECRET: wecom.secret,
      WECOM_CALLBACK_TOKEN: wecom.callbackToken,
      WECOM_CALLBACK_AES_KEY: wecom.encodingAesKey,
    },
  });
  callbackUrl = `${app.baseUrl}/chat-callbacks/wecom`;
  const link = (user: TestUser, platformUserId: string) =>
    app.db.prisma.userChannel.create({
      data: { userId: user.id, position: 0, channel: 'wecom_app', platformUserId },
    });
  await link(app.org.managerA, 'mia.manager');
  await link(app.org.managerB, 'wang.jingli');
  await link(app.org.director, 'diana.director');
});
afterAll(async () => {
  await app?.stop();
  await wecom?.stop();
});

const dealView = async (id: string) => (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body;
const approvalIn = async (id: string, approvalId: string) =>
  (await dealView(id)).approvals.find((a: { id: string }) => a.id === approvalId);

/** Rep A1 asks for an approval; the workflow's notification reaches manager A on WeCom as a card. */
async function approvalCard(): Promise<{ id: string; approvalId: string; card: WeComCard }> {
  const name = `WeCom deal ${randomBytes(3).toString('hex')}`;
  const id = await createDeal(app, { name, account: 'Acme', amount: 8000 });
  const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  expect(req.status).toBe(200);
  const approvalId = req.body.approvalId as string;
  // Sent by the product itself: the workflow's approval_request, through the channel layer.
  const card = await waitUntil(
    async () => wecom.cards.find((c) => c.to === 'mia.manager' && c.card.main_title?.desc === name),
    30_000,
    'the approval card on WeCom',
  );
  // Manager A chose WeCom: no email went out for it.
  expect(
    await app.db.prisma.emailMessage.count({ where: { opportunityId: id, template: 'approval_request' } }),
  ).toBe(0);
  return { id, approvalId, card };
}

it('answers the URL verification with the decrypted echostr, and refuses a forged one', async () => {
  const ok = await wecom.verifyUrl(callbackUrl);
  expect(ok).toMatchObject({ status: 200, body: ok.echo });
  const forged = await fetch(
    `${callbackUrl}?msg_signature=${'0'.repeat(40)}&timestamp=1&nonce=1&echostr=abc`,
  );
  expect(forged.status).toBe(401);
  expect(((await forged.json()) as { error: { code: string } }).error.code).toBe(
    'CALLBACK_SIGNATURE_INVALID',
  );
});

it('a manager configured for WeCom approves from the card: decided once, the card shows it', async () => {
  const { id, approvalId, card } = await approvalCard();
  expect(card.card.button_list.map((b: { text: string }) => b.text)).toEqual(['Approve', 'Reject']);
  const click = await wecom.click(callbackUrl, card, { button: 0 });
  expect(click).toMatchObject({ status: 200, body: 'success', outcome: 'decided:approved' });
  expect(await approvalIn(id, approvalId)).toMatchObject({
    status: 'approved',
    decidedById: app.org.managerA.id,
  });
  await waitUntil(
    async () => wecom.cardUpdates.find((u) => u.responseCode === card.responseCode),
    10_000,
    'card update',
  );
  expect(wecom.cardUpdates.find((u) => u.responseCode === card.responseCode)).toMatchObject({
    userids: ['mia.manager'],
    replaceName: 'Approved by Mia Manager',
  });
  // The read model has it too.
  await waitUntil(
    async () =>
      (await app.db.prisma.approval.findUnique({ where: { id: approvalId } }))?.status === 'approved',
  );

  // Replayed exactly (same signature, nonce and body), clicked again, or the other button: nothing changes.
  const before = (await dealView(id)).approvals;
  const replay = await wecom.post(click.url, click.xml);
  expect(replay).toMatchObject({ status: 200, outcome: 'refused:TOKEN_USED' });
  const reject = await wecom.click(callbackUrl, card, { button: 1 });
  expect(reject).toMatchObject({ status: 200, outcome: 'refused:ALREADY_DECIDED' });
  expect((await dealView(id)).approvals).toEqual(before);
  expect(await approvalIn(id, approvalId)).toMatchObject({ status: 'approved' });
});

it('refuses forged, tampered, stale, foreign-corp, wrong-user and unlinked clicks; nothing changes', async () => {
  const { id, approvalId, card } = await approvalCard();
  const before = (await dealView(id)).approvals;
  const forged = await wecom.click(callbackUrl, card, { signWith: 'notOurToken' });
  expect(forged).toMatchObject({ status: 401, outcome: 'refused:CALLBACK_SIGNATURE_INVALID' });
  expect(JSON.parse(forged.body).error.code).toBe('CALLBACK_SIGNATURE_INVALID');
  // A validly signed click whose button key is not a token we issued.
  const good = await wecom.click(callbackUrl, card, { key: 'not-a-token' });
  expect(good).toMatchObject({ status: 200, outcome: 'refused:TOKEN_INVALID' });
  const stale = await wecom.click(callbackUrl, card, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
  expect(stale).toMatchObject({ status: 401, outcome: 'refused:CALLBACK_STALE' });
  const otherCorp = await wecom.click(callbackUrl, card, { corpId: 'ww-someone-else' });
  expect(otherCorp).toMatchObject({ status: 401, outcome: 'refused:CALLBACK_SIGNATURE_INVALID' });
  // Manager B (linked, a manager, but not this card's recipient) presses manager A's button.
  const wrongUser = await wecom.click(callbackUrl, card, { from: 'wang.jingli' });
  expect(wrongUser).toMatchObject({ status: 200, outcome: 'refused:FORBIDDEN' });
  const unlinked = await wecom.click(callbackUrl, card, { from: 'nobody.here' });
  expect(unlinked).toMatchObject({ status: 200, outcome: 'refused:CHAT_USER_UNLINKED' });
  expect((await dealView(id)).approvals).toEqual(before);
  expect(await approvalIn(id, approvalId)).toMatchObject({ status: 'pending' });
  // No card was changed by any of them.
  expect(wecom.cardUpdates.filter((u) => u.responseCode === card.responseCode)).toEqual([]);
  // And the real click still works afterwards.
  expect(await wecom.click(callbackUrl, card, { button: 1 })).toMatchObject({ outcome: 'decided:rejected' });
});

it('a concurrent double click decides once', async () => {
  const { id, approvalId, card } = await approvalCard();
  const clicks = await Promise.all([
    wecom.click(callbackUrl, card, { button: 0 }),
    wecom.click(callbackUrl, card, { button: 0 }),
    wecom.click(callbackUrl, card, { button: 1 }),
  ]);
  const outcomes = clicks.map((c) => c.outcome).sort();
  expect(outcomes.filter((o) => o?.startsWith('decided:'))).toHaveLength(1);
  expect(outcomes.filter((o) => o?.startsWith('refused:'))).toHaveLength(2);
  const view = await dealView(id);
  const decided = view.approvals.find((a: { id: string }) => a.id === approvalId);
  expect(['approved', 'rejected']).toContain(decided.status);
  expect(clicks.find((c) => c.outcome?.startsWith('decided:'))!.outcome).toBe(`decided:${decided.status}`);
});

it('an expired card is refused and says so on the card', async () => {
  const { id, approvalId, card } = await approvalCard();
  // A token issued 73 hours ago (LINK_TTL_HOURS is 72), signed by the app's secret.
  const links = createActionLinks({
    prisma: app.db.prisma,
    secret: linkSecret,
    publicBaseUrl: app.baseUrl,
    ttlHours: 72,
    now: () => new Date(Date.now() - 73 * 3_600_000),
  });
  const expired = await links.issue({
    action: 'approve',
    subjectId: approvalId,
    opportunityId: id,
    userId: app.org.managerA.id,
  });
  const res = await wecom.click(callbackUrl, card, { key: expired.token });
  expect(res).toMatchObject({ status: 200, outcome: 'refused:TOKEN_EXPIRED' });
  expect(await approvalIn(id, approvalId)).toMatchObject({ status: 'pending' });
  await waitUntil(
    async () => wecom.cardUpdates.find((u) => u.responseCode === card.responseCode),
    10_000,
    'card update',
  );
  expect(wecom.cardUpdates.find((u) => u.responseCode === card.responseCode)!.replaceName).toBe(
    'This card has expired; please decide on the web page.',
  );
});
