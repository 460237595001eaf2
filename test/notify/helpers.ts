// Shared set-up for the IM delivery tests: the three local platform servers, a configuration
// pointing at them, and a sendNotification that retries as Temporal would (waiting exactly the
// nextRetryDelay a retryable failure asks for).
import { ApplicationFailure } from '@temporalio/common';
import { parseImConfig, type ImConfig } from '../../src/config/im';
import type { NotificationDelivery, NotificationRequest } from '../../src/contracts/activities';
import type { PrismaClient } from '../../src/db/prisma';
import type { ChannelKind } from '../../src/notify/channel';
import { createUser } from '../mail/fixtures';
import { DingTalkServer } from '../support/im/dingtalk';
import { FeishuServer } from '../support/im/feishu';
import { WeComServer } from '../support/im/wecom';

export interface ImServers {
  wecom: WeComServer;
  dingtalk: DingTalkServer;
  feishu: FeishuServer;
  config: ImConfig;
  stop(): Promise<void>;
}

export const ROBOTS = {
  'wecom-team': { channel: 'wecom_robot', key: 'wecom-robot-key-0001' },
  'ding-team': {
    channel: 'dingtalk_robot',
    accessToken: 'ding-robot-token-0001',
    secret: 'SECding-robot-secret-0001',
  },
  'feishu-team': {
    channel: 'feishu_robot',
    hookId: 'feishu-hook-id-0001',
    secret: 'feishu-robot-secret-0001',
  },
} as const;

export async function startImServers(): Promise<ImServers> {
  const wecom = await new WeComServer().addRobot(ROBOTS['wecom-team'].key).start();
  const dingtalk = await new DingTalkServer().addRobot(ROBOTS['ding-team']).start();
  const feishu = await new FeishuServer().addRobot(ROBOTS['feishu-team']).start();
  const config = parseImConfig({
    WECOM_API_BASE_URL: wecom.baseUrl,
    WECOM_CORP_ID: wecom.corpId,
    WECOM_AGENT_ID: String(wecom.agentId),
    WECOM_APP_SECRET: wecom.secret,
    DINGTALK_API_BASE_URL: dingtalk.baseUrl,
    DINGTALK_APP_KEY: dingtalk.appKey,
    DINGTALK_APP_SECRET: dingtalk.appSecret,
    DINGTALK_AGENT_ID: String(dingtalk.agentId),
    FEISHU_API_BASE_URL: feishu.baseUrl,
    FEISHU_APP_ID: feishu.appId,
    FEISHU_APP_SECRET: feishu.appSecret,
    IM_ROBOTS: JSON.stringify(ROBOTS),
  });
  return {
    wecom,
    dingtalk,
    feishu,
    config,
    stop: async () => {
      await Promise.all([wecom.stop(), dingtalk.stop(), feishu.stop()]);
    },
  };
}

/** What a platform server delivered, as one string to search (body or card content). */
export function deliveredOn(servers: ImServers, channel: ChannelKind): string[] {
  const all =
    channel === 'wecom_app' || channel === 'wecom_robot'
      ? servers.wecom.delivered
          .filter((d) => d.kind === (channel === 'wecom_app' ? 'app' : 'robot'))
          .map((d) => d.body)
      : channel === 'dingtalk_app' || channel === 'dingtalk_robot'
        ? servers.dingtalk.delivered
            .filter((d) => d.kind === (channel === 'dingtalk_app' ? 'app' : 'robot'))
            .map((d) => d.body)
        : servers.feishu.delivered
            .filter((d) => d.kind === (channel === 'feishu_app' ? 'app' : 'robot'))
            .map((d) => d.content);
  return all.map((b) => JSON.stringify(b));
}

/** A user whose notifications go by `channels` (platform ids registered on the servers). */
export async function imUser(
  prisma: PrismaClient,
  servers: ImServers,
  channels: { channel: ChannelKind; platformUserId: string; known?: boolean }[],
  options: { locale?: 'zh_CN' | 'en'; managerId?: string } = {},
): Promise<{ id: string; name: string; email: string }> {
  const user = await createUser(prisma, { locale: options.locale ?? 'zh_CN', managerId: options.managerId });
  for (const [position, c] of channels.entries()) {
    await prisma.userChannel.create({
      data: { userId: user.id, position, channel: c.channel, platformUserId: c.platformUserId },
    });
    if (c.known === false) continue;
    if (c.channel === 'wecom_app') servers.wecom.addMember(c.platformUserId);
    if (c.channel === 'dingtalk_app') servers.dingtalk.addMember(c.platformUserId);
    if (c.channel === 'feishu_app') servers.feishu.addUser(c.platformUserId);
  }
  return user;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls the activity until it succeeds or fails for good, pausing as a retryable failure asks. */
export async function sendWithRetries(
  send: (req: NotificationRequest) => Promise<NotificationDelivery>,
  req: NotificationRequest,
  options: { maxAttempts?: number; onRetry?: (error: ApplicationFailure) => void } = {},
): Promise<NotificationDelivery> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send(req);
    } catch (error) {
      if (
        !(error instanceof ApplicationFailure) ||
        error.nonRetryable ||
        attempt >= (options.maxAttempts ?? 50)
      )
        throw error;
      options.onRetry?.(error);
      const delay = typeof error.nextRetryDelay === 'number' ? error.nextRetryDelay : 200;
      await sleep(Math.min(delay, 5_000));
    }
  }
}
