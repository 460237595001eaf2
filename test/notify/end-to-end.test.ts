// The whole product with IM configured: a manager set up for WeCom gets the approval request as a
// WeCom card from the real workflow on a real Temporal server, with no mail; when the WeCom app is
// revoked the same notification falls back to email. And no IM secret or access token ever
// reaches the app's log, whatever happened.
import { startTestApp, captureLogs, createDeal, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';
import { startImServers, ROBOTS, type ImServers } from './helpers';

const { logger, lines } = captureLogs();
let app: TestApp;
let servers: ImServers;

beforeAll(async () => {
  servers = await startImServers();
  app = await startTestApp({
    logger,
    env: {
      WECOM_API_BASE_URL: servers.wecom.baseUrl,
      WECOM_CORP_ID: servers.wecom.corpId,
      WECOM_AGENT_ID: String(servers.wecom.agentId),
      WECOM_APP_SECRET: servers.wecom.secret,
      DINGTALK_API_BASE_URL: servers.dingtalk.baseUrl,
      DINGTALK_APP_KEY: servers.dingtalk.appKey,
      DINGTALK_APP_SECRET: servers.dingtalk.appSecret,
      DINGTALK_AGENT_ID: String(servers.dingtalk.agentId),
      FEISHU_API_BASE_URL: servers.feishu.baseUrl,
      FEISHU_APP_ID: servers.feishu.appId,
      FEISHU_APP_SECRET: servers.feishu.appSecret,
      IM_ROBOTS: JSON.stringify(ROBOTS),
    },
  });
  await app.db.prisma.userChannel.create({
    data: { userId: app.org.managerA.id, position: 0, channel: 'wecom_app', platformUserId: 'manager-a' },
  });
  servers.wecom.addMember('manager-a');
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await servers?.stop();
});

async function requestInitiationApproval(name: string): Promise<{ id: string; approvalId: string }> {
  const id = await createDeal(app, { name, account: 'Huadong Power', amount: 300_000 });
  const res = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  expect(res.status).toBe(200);
  return { id, approvalId: res.body.approvalId as string };
}

it('the approver configured for WeCom receives the approval request as a WeCom card, and no mail', async () => {
  // WeCom is down for the first attempt: the activity retries the same channel (no mail meanwhile).
  servers.wecom.failNext('/cgi-bin/message/send', 1);
  const { id } = await requestInitiationApproval('WeCom Card Deal');
  await waitUntil(
    async () => servers.wecom.delivered.some((d) => JSON.stringify(d.body).includes('WeCom Card Deal')),
    30_000,
    'the approval card on the WeCom server',
  );
  const card = servers.wecom.delivered.find((d) => JSON.stringify(d.body).includes('WeCom Card Deal'))!;
  expect(card).toMatchObject({ kind: 'app', to: 'manager-a', msgtype: 'template_card' });
  expect(servers.wecom.requestsTo('/cgi-bin/message/send').length).toBeGreaterThanOrEqual(2);
  expect(JSON.stringify(card.body)).toContain(`/#/opportunities/${id}`);
  // The platform answered before the row was marked: wait for the mark.
  const rows = await waitUntil(async () => {
    const found = await app.db.prisma.channelDelivery.findMany({ where: { opportunityId: id } });
    return found.every((r) => r.status === 'sent') && found;
  });
  expect(rows.map((r) => [r.channel, r.status, r.template])).toEqual([
    ['wecom_app', 'sent', 'approval_request'],
  ]);
  expect(
    await app.db.prisma.emailMessage.count({ where: { opportunityId: id, toUserId: app.org.managerA.id } }),
  ).toBe(0);
}, 60_000);

it('a revoked WeCom app is a permanent failure: the request goes by email instead, once', async () => {
  servers.wecom.revoked = true;
  try {
    const { id } = await requestInitiationApproval('Revoked App Deal');
    await waitUntil(
      async () =>
        (await app.db.prisma.emailMessage.count({ where: { opportunityId: id, status: 'sent' } })) > 0,
      30_000,
      'the fallback mail',
    );
    const row = await app.db.prisma.channelDelivery.findFirstOrThrow({ where: { opportunityId: id } });
    expect(row).toMatchObject({ channel: 'wecom_app', status: 'dead', failureCode: 'app_revoked' });
    expect(servers.wecom.delivered.some((d) => JSON.stringify(d.body).includes('Revoked App Deal'))).toBe(
      false,
    );
    expect(
      await app.db.prisma.emailMessage.count({ where: { opportunityId: id, toUserId: app.org.managerA.id } }),
    ).toBe(1);
    // And the deal's journal says so, with the channel and its reason code, no platform id.
    const journalled = await waitUntil(
      async () => {
        const rows = await app.db.prisma.opportunityEvent.findMany({
          where: { opportunityId: id, type: 'notification_channel_failed' },
        });
        return rows.length > 0 && rows;
      },
      30_000,
      'the channel failure in the deal journal',
    );
    expect(journalled.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        template: 'approval_request',
        recipientId: app.org.managerA.id,
        failures: [{ channel: 'wecom_app', reason: 'app_revoked' }],
      }),
    ]);
    expect(JSON.stringify(journalled)).not.toContain('manager-a');
  } finally {
    servers.wecom.revoked = false;
  }
}, 60_000);

it('no IM secret, signing secret or access token is in the log', () => {
  const issuedTokens = servers.wecom.received
    .filter((r) => r.query.access_token)
    .map((r) => r.query.access_token!)
    .filter((t, i, all) => all.indexOf(t) === i);
  expect(issuedTokens.length).toBeGreaterThan(0);
  const secrets = [
    servers.wecom.secret,
    servers.dingtalk.appSecret,
    servers.feishu.appSecret,
    ROBOTS['wecom-team'].key,
    ROBOTS['ding-team'].accessToken,
    ROBOTS['ding-team'].secret,
    ROBOTS['feishu-team'].hookId,
    ROBOTS['feishu-team'].secret,
    ...issuedTokens,
  ];
  const log = lines.join('');
  // The log is not empty: the app did log (start-up, the worker, the fallback warning).
  expect(log).toContain('worker running');
  // The failed first attempt was logged (by the worker), without the URL's access_token.
  expect(log).toMatch(/"msg":"Activity failed".*|"type":"SERVICE_UNAVAILABLE"/);
  expect(log).toContain('"type":"SERVICE_UNAVAILABLE"');
  for (const secret of secrets) expect(log).not.toContain(secret);
});
