// Each platform client against its local protocol server (test/support/im): tokens fetched once
// and refreshed when the platform calls them expired, robot signatures the server verifies as the
// platform does, and the platform's answers mapped to permanent or transient failures.
import { parseImConfig } from '../../src/config/im';
import type { ChannelMessage } from '../../src/notify/channel';
import { createDingTalkAppClient, createDingTalkRobotClient } from '../../src/notify/platforms/dingtalk';
import { createFeishuAppClient, createFeishuRobotClient } from '../../src/notify/platforms/feishu';
import { createWeComAppClient, createWeComRobotClient } from '../../src/notify/platforms/wecom';
import { DingTalkServer } from '../support/im/dingtalk';
import { FeishuServer } from '../support/im/feishu';
import { WeComServer } from '../support/im/wecom';

const md = (title: string, to: ChannelMessage['target'], id = title): ChannelMessage => ({
  target: to,
  payload: {
    type: 'markdown',
    title,
    markdown: `**商机**: ${title}\n[打开商机](https://psm.example.test/#/opportunities/x)`,
  },
  idempotencyKey: id,
});

describe('WeCom clients against the local WeCom server', () => {
  const server = new WeComServer().addMember('zhangsan').addRobot('robot-key-12345678');
  let config: ReturnType<typeof parseImConfig>;
  beforeAll(async () => {
    await server.start();
    config = parseImConfig({
      WECOM_API_BASE_URL: server.baseUrl,
      WECOM_CORP_ID: server.corpId,
      WECOM_AGENT_ID: String(server.agentId),
      WECOM_APP_SECRET: server.secret,
      IM_ROBOTS: JSON.stringify({ team: { channel: 'wecom_robot', key: 'robot-key-12345678' } }),
    });
  });
  afterAll(() => server.stop());

  it('sends markdown app messages with one cached token, and refreshes it once WeCom calls it expired', async () => {
    const client = createWeComAppClient(config.wecom!);
    for (const n of [1, 2, 3]) {
      await expect(
        client.send(md(`消息 ${n}`, { kind: 'user', platformUserId: 'zhangsan' })),
      ).resolves.toMatchObject({ outcome: 'sent' });
    }
    expect(server.tokenRequests()).toBe(1);
    server.expireTokens();
    await expect(
      client.send(md('消息 4', { kind: 'user', platformUserId: 'zhangsan' })),
    ).resolves.toMatchObject({ outcome: 'sent' });
    expect(server.tokenRequests()).toBe(2);
    const sent = server.delivered.filter((d) => d.kind === 'app');
    expect(sent).toHaveLength(4);
    expect(sent[0]!.msgtype).toBe('markdown');
    expect(JSON.stringify(sent[0]!.body)).toContain('**消息 1**');
  });

  it('maps an unknown member, a wrong secret and a revoked app to permanent failures, an unreachable server to a transient one', async () => {
    const client = createWeComAppClient(config.wecom!);
    await expect(client.send(md('x', { kind: 'user', platformUserId: 'nobody' }))).resolves.toMatchObject({
      outcome: 'permanent',
      code: 'unknown_recipient',
    });
    const wrong = createWeComAppClient({ ...config.wecom!, secret: 'not-the-secret' });
    await expect(wrong.send(md('x', { kind: 'user', platformUserId: 'zhangsan' }))).resolves.toMatchObject({
      outcome: 'permanent',
      code: 'bad_credentials',
    });
    server.revoked = true;
    try {
      await expect(client.send(md('x', { kind: 'user', platformUserId: 'zhangsan' }))).resolves.toMatchObject(
        {
          outcome: 'permanent',
          code: 'app_revoked',
        },
      );
    } finally {
      server.revoked = false;
    }
    const down = createWeComAppClient({ ...config.wecom!, baseUrl: 'http://127.0.0.1:9' });
    await expect(down.send(md('x', { kind: 'user', platformUserId: 'zhangsan' }))).resolves.toMatchObject({
      outcome: 'transient',
    });
  });

  it('drops app messages above 30 a minute to one member, as WeCom does (why our budget exists)', async () => {
    server.addMember('burst-member');
    const client = createWeComAppClient(config.wecom!);
    for (let n = 0; n < 31; n++)
      await client.send(md(`突发 ${n}`, { kind: 'user', platformUserId: 'burst-member' }));
    expect(server.delivered.filter((d) => d.to === 'burst-member')).toHaveLength(30);
    expect(server.dropped.filter((d) => d.to === 'burst-member')).toHaveLength(1);
  });

  it('posts through a group robot with the member @-mentioned; an unknown robot key is permanent, the 21st post a minute transient', async () => {
    const client = createWeComRobotClient(config.robots);
    await expect(
      client.send(md('群通知', { kind: 'robot', robot: 'team', mention: ['zhangsan'] })),
    ).resolves.toMatchObject({ outcome: 'sent' });
    const posted = server.delivered.find((d) => d.kind === 'robot')!;
    expect(JSON.stringify(posted.body)).toContain('<@zhangsan>');
    const gone = createWeComRobotClient(
      parseImConfig({
        WECOM_API_BASE_URL: server.baseUrl,
        IM_ROBOTS: JSON.stringify({ team: { channel: 'wecom_robot', key: 'removed-key-000' } }),
      }).robots,
    );
    await expect(gone.send(md('x', { kind: 'robot', robot: 'team' }))).resolves.toMatchObject({
      outcome: 'permanent',
      code: 'app_revoked',
    });
    const results = [];
    for (let n = 0; n < 20; n++)
      results.push(await client.send(md(`群 ${n}`, { kind: 'robot', robot: 'team' })));
    expect(results.filter((r) => r.outcome === 'sent')).toHaveLength(19);
    expect(results.at(-1)).toMatchObject({ outcome: 'transient' });
  });
});

describe('DingTalk clients against the local DingTalk server', () => {
  const server = new DingTalkServer().addMember('manager01');
  const robot = { accessToken: 'ding-robot-token-1', secret: 'SECdingtalk-robot-secret-1' };
  let config: ReturnType<typeof parseImConfig>;
  beforeAll(async () => {
    server.addRobot(robot);
    await server.start();
    config = parseImConfig({
      DINGTALK_API_BASE_URL: server.baseUrl,
      DINGTALK_APP_KEY: server.appKey,
      DINGTALK_APP_SECRET: server.appSecret,
      DINGTALK_AGENT_ID: String(server.agentId),
      IM_ROBOTS: JSON.stringify({ sales: { channel: 'dingtalk_robot', ...robot } }),
    });
  });
  afterAll(() => server.stop());

  it('sends work notifications with a cached token; an unknown member is found through the send result', async () => {
    const client = createDingTalkAppClient(config.dingtalk!);
    await expect(
      client.send(md('工作通知', { kind: 'user', platformUserId: 'manager01' })),
    ).resolves.toMatchObject({ outcome: 'sent' });
    await expect(
      client.send(md('工作通知 2', { kind: 'user', platformUserId: 'manager01' })),
    ).resolves.toMatchObject({ outcome: 'sent' });
    expect(server.tokenRequests()).toBe(1);
    const msg = server.delivered[0]!;
    expect(msg).toMatchObject({ kind: 'app', to: 'manager01', msgtype: 'markdown' });
    await expect(client.send(md('x', { kind: 'user', platformUserId: 'ghost' }))).resolves.toMatchObject({
      outcome: 'permanent',
      code: 'unknown_recipient',
    });
    server.expireTokens();
    await expect(
      client.send(md('工作通知 3', { kind: 'user', platformUserId: 'manager01' })),
    ).resolves.toMatchObject({ outcome: 'sent' });
    expect(server.tokenRequests()).toBe(2);
  });

  it('signs robot posts so the server accepts them; a wrong secret or a clock an hour off is refused (310000)', async () => {
    const client = createDingTalkRobotClient(config.robots);
    await expect(
      client.send(md('群消息', { kind: 'robot', robot: 'sales', mention: ['manager01'] })),
    ).resolves.toMatchObject({ outcome: 'sent' });
    const posted = server.delivered.find((d) => d.kind === 'robot')!;
    expect(posted.body).toMatchObject({ msgtype: 'markdown', at: { atUserIds: ['manager01'] } });
    const wrong = createDingTalkRobotClient({
      sales: {
        channel: 'dingtalk_robot',
        baseUrl: server.baseUrl,
        accessToken: robot.accessToken,
        secret: 'SECwrong-secret',
      },
    });
    await expect(wrong.send(md('x', { kind: 'robot', robot: 'sales' }))).resolves.toMatchObject({
      outcome: 'permanent',
      code: 'bad_credentials',
    });
    const late = createDingTalkRobotClient(config.robots, { now: () => Date.now() - 2 * 3_600_000 });
    await expect(late.send(md('x', { kind: 'robot', robot: 'sales' }))).resolves.toMatchObject({
      outcome: 'permanent',
      code: 'bad_credentials',
    });
    expect(server.delivered.filter((d) => d.kind === 'robot')).toHaveLength(1);
  });

  it('the 21st robot post in a minute is refused by DingTalk (410100): transient', async () => {
    const client = createDingTalkRobotClient(config.robots);
    const results = [];
    for (let n = 0; n < 20; n++)
      results.push(await client.send(md(`群 ${n}`, { kind: 'robot', robot: 'sales' })));
    // One post went out in the previous test within this minute.
    expect(results.filter((r) => r.outcome === 'sent')).toHaveLength(19);
    expect(results.at(-1)).toMatchObject({ outcome: 'transient', detail: expect.stringContaining('410100') });
  });
});

describe('Feishu clients against the local Feishu server', () => {
  const server = new FeishuServer().addUser('ou_manager');
  const robot = { hookId: 'feishu-hook-0001', secret: 'feishu-robot-secret-1' };
  let config: ReturnType<typeof parseImConfig>;
  beforeAll(async () => {
    server.addRobot(robot);
    await server.start();
    config = parseImConfig({
      FEISHU_API_BASE_URL: server.baseUrl,
      FEISHU_APP_ID: server.appId,
      FEISHU_APP_SECRET: server.appSecret,
      IM_ROBOTS: JSON.stringify({ team: { channel: 'feishu_robot', ...robot } }),
    });
  });
  afterAll(() => server.stop());

  it('sends an interactive card per message with the tenant token cached; the same uuid twice is delivered once', async () => {
    const client = createFeishuAppClient(config.feishu!);
    const message = md('卡片', { kind: 'user', platformUserId: 'ou_manager' }, 'post-uuid-1');
    await expect(client.send(message)).resolves.toMatchObject({ outcome: 'sent' });
    await expect(client.send(message)).resolves.toMatchObject({ outcome: 'sent' });
    expect(server.delivered).toHaveLength(1);
    expect(server.delivered[0]).toMatchObject({ msgType: 'interactive', to: 'ou_manager' });
    expect(JSON.stringify(server.delivered[0]!.content)).toContain('卡片');
    expect(server.tokenRequests()).toBe(1);
    server.expireTokens();
    await expect(
      client.send(md('卡片 2', { kind: 'user', platformUserId: 'ou_manager' })),
    ).resolves.toMatchObject({ outcome: 'sent' });
    expect(server.tokenRequests()).toBe(2);
  });

  it('a user outside the app is permanent (230013), so is a disabled bot (230006)', async () => {
    const client = createFeishuAppClient(config.feishu!);
    await expect(
      client.send(md('x', { kind: 'user', platformUserId: 'ou_stranger' })),
    ).resolves.toMatchObject({
      outcome: 'permanent',
      code: 'unknown_recipient',
    });
    server.botEnabled = false;
    try {
      await expect(
        client.send(md('x', { kind: 'user', platformUserId: 'ou_manager' })),
      ).resolves.toMatchObject({
        outcome: 'permanent',
        code: 'app_revoked',
      });
    } finally {
      server.botEnabled = true;
    }
  });

  it('signs custom-robot posts as Feishu verifies them; a wrong secret is refused (19021)', async () => {
    const client = createFeishuRobotClient(config.robots);
    await expect(
      client.send(md('群卡片', { kind: 'robot', robot: 'team', mention: ['ou_manager'] })),
    ).resolves.toMatchObject({ outcome: 'sent' });
    const posted = server.delivered.find((d) => d.kind === 'robot')!;
    expect(JSON.stringify(posted.content)).toContain('<at id=ou_manager></at>');
    const wrong = createFeishuRobotClient({
      team: {
        channel: 'feishu_robot',
        baseUrl: server.baseUrl,
        hookId: robot.hookId,
        secret: 'not-the-secret',
      },
    });
    await expect(wrong.send(md('x', { kind: 'robot', robot: 'team' }))).resolves.toMatchObject({
      outcome: 'permanent',
      code: 'bad_credentials',
    });
  });
});
