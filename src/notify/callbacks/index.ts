// Builds the callback handlers the configuration allows: WeCom needs its app (corp id, agent,
// secret for the card update) and its callback token + EncodingAESKey; Feishu its app and its
// verification token + encrypt key. A platform without them has no callback (404).
import type { ChatCallbacksConfig } from '../../config/chat-callbacks';
import type { ImConfig } from '../../config/im';
import type { PrismaClient } from '../../db/prisma';
import type { ActionLinks } from '../../links';
import type { OpportunityClient } from '../../opportunities/workflow-client';
import { createDingTalkCardApi } from '../dingtalk-cards';
import { createChatDecider } from './decide-from-chat';
import { createDingTalkCallbackHandler } from './dingtalk-callback';
import { createFeishuCallbackHandler } from './feishu-callback';
import { createFeishuCardUpdater } from './feishu-card-updater';
import type { PlatformCallbackHandler } from './types';
import { createWeComCallbackHandler } from './wecom-callback';
import { createWeComCardUpdater } from './wecom-card-updater';

export type { PlatformCallbackHandler } from './types';

export function createChatCallbackHandlers(deps: {
  callbacks: ChatCallbacksConfig;
  im: ImConfig;
  prisma: PrismaClient;
  links: ActionLinks;
  opportunities: Pick<OpportunityClient, 'command'>;
  publicBaseUrl: string;
  onError(err: unknown): void;
}): Partial<Record<'wecom' | 'feishu' | 'dingtalk', PlatformCallbackHandler>> {
  const decider = createChatDecider(deps);
  const handlers: Partial<Record<'wecom' | 'feishu' | 'dingtalk', PlatformCallbackHandler>> = {};
  const { wecom, feishu } = deps.callbacks;
  if (wecom && deps.im.wecom) {
    handlers.wecom = createWeComCallbackHandler({
      token: wecom.token,
      encodingAesKey: wecom.encodingAesKey,
      corpId: deps.im.wecom.corpId,
      prisma: deps.prisma,
      decider,
      updater: createWeComCardUpdater(deps.im.wecom),
      maxAgeSeconds: deps.callbacks.maxAgeSeconds,
      onError: deps.onError,
    });
  }
  if (feishu && deps.im.feishu) {
    handlers.feishu = createFeishuCallbackHandler({
      verificationToken: feishu.verificationToken,
      encryptKey: feishu.encryptKey,
      prisma: deps.prisma,
      decider,
      updater: createFeishuCardUpdater(deps.im.feishu),
      publicBaseUrl: deps.publicBaseUrl,
      maxAgeSeconds: deps.callbacks.maxAgeSeconds,
      onError: deps.onError,
    });
  }
  // DingTalk signs its card callbacks with the app secret: interactive cards configured is enough.
  const dingtalk = deps.im.dingtalk;
  if (dingtalk?.cards) {
    handlers.dingtalk = createDingTalkCallbackHandler({
      appSecret: dingtalk.appSecret,
      prisma: deps.prisma,
      decider,
      cards: createDingTalkCardApi(dingtalk, dingtalk.cards),
      publicBaseUrl: deps.publicBaseUrl,
      maxAgeSeconds: deps.callbacks.maxAgeSeconds,
      onError: deps.onError,
    });
  }
  return handlers;
}
