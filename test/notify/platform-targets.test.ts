// Pure logic of the target guard every platform client shares (src/notify/platforms/targets.ts):
// an app client refuses a robot target, a robot client a member target and a robot of another
// platform. These refusals come before any request, so no protocol server is needed.
import type { RobotConfig } from '../../src/config/im';
import type { ChannelMessage } from '../../src/notify/channel';
import { createDingTalkAppClient, createDingTalkRobotClient } from '../../src/notify/platforms/dingtalk';
import { createFeishuAppClient, createFeishuRobotClient } from '../../src/notify/platforms/feishu';
import { createWeComAppClient, createWeComRobotClient } from '../../src/notify/platforms/wecom';

const unreachable = 'http://127.0.0.1:9';
const message = (target: ChannelMessage['target']): ChannelMessage => ({
  target,
  payload: { type: 'text', text: 'hello' },
  idempotencyKey: 'k1',
});
const robots: Record<string, RobotConfig> = {
  ding: { channel: 'dingtalk_robot', baseUrl: unreachable, accessToken: 'a', secret: 's' },
  wecom: { channel: 'wecom_robot', baseUrl: unreachable, key: 'k' },
};

describe('platform clients refuse a target they cannot send to, before any request', () => {
  it('app clients refuse a robot target as a bad payload', async () => {
    const apps = [
      createWeComAppClient({ baseUrl: unreachable, corpId: 'c', secret: 's', agentId: 1 }),
      createDingTalkAppClient({ baseUrl: unreachable, appKey: 'k', appSecret: 's', agentId: 1 }),
      createFeishuAppClient({ baseUrl: unreachable, appId: 'a', appSecret: 's' }),
    ];
    for (const app of apps) {
      await expect(app.send(message({ kind: 'robot', robot: 'wecom' }))).resolves.toEqual({
        outcome: 'permanent',
        code: 'bad_payload',
        detail: `${app.channel} sends to a member, not a robot`,
      });
      expect(app.tokens.fetches).toBe(0);
    }
  });

  it('robot clients refuse a member target, and a robot that is not of their platform', async () => {
    const clients = [
      { client: createWeComRobotClient(robots), platform: 'WeCom', other: 'ding' },
      { client: createDingTalkRobotClient(robots), platform: 'DingTalk', other: 'wecom' },
      { client: createFeishuRobotClient(robots), platform: 'Feishu', other: 'ding' },
    ];
    for (const { client, platform, other } of clients) {
      await expect(client.send(message({ kind: 'user', platformUserId: 'u1' }))).resolves.toEqual({
        outcome: 'permanent',
        code: 'bad_payload',
        detail: `${client.channel} posts through a robot`,
      });
      for (const name of [other, 'missing'])
        await expect(client.send(message({ kind: 'robot', robot: name }))).resolves.toEqual({
          outcome: 'permanent',
          code: 'not_configured',
          detail: `no ${platform} robot named ${name}`,
        });
    }
  });
});
