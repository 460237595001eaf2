// Builds the clients for whatever the configuration has: an app without credentials, or no robot of
// a platform, is simply not a channel here (a preference for it falls through to the next one).
import type { ImConfig } from '../../config/im';
import type { ChannelClients } from '../channel';
import { withDingTalkCards } from '../dingtalk-cards';
import { createDingTalkAppClient, createDingTalkRobotClient } from './dingtalk';
import { createFeishuAppClient, createFeishuRobotClient } from './feishu';
import { createWeComAppClient, createWeComRobotClient } from './wecom';

export function createChannelClients(im: ImConfig, options: { timeoutMs?: number } = {}): ChannelClients {
  const robots = Object.values(im.robots);
  const has = (channel: string) => robots.some((r) => r.channel === channel);
  return {
    ...(im.wecom ? { wecom_app: createWeComAppClient(im.wecom, options) } : {}),
    ...(has('wecom_robot') ? { wecom_robot: createWeComRobotClient(im.robots, options) } : {}),
    ...(im.dingtalk
      ? {
          dingtalk_app: withDingTalkCards(
            createDingTalkAppClient(im.dingtalk, options),
            im.dingtalk,
            options,
          ),
        }
      : {}),
    ...(has('dingtalk_robot') ? { dingtalk_robot: createDingTalkRobotClient(im.robots, options) } : {}),
    ...(im.feishu ? { feishu_app: createFeishuAppClient(im.feishu, options) } : {}),
    ...(has('feishu_robot') ? { feishu_robot: createFeishuRobotClient(im.robots, options) } : {}),
  };
}
