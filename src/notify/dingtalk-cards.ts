// DingTalk (钉钉) interactive cards with callbacks, on the new-style API host (api.dingtalk.com):
//   POST /v1.0/oauth2/accessToken {appKey, appSecret} -> {accessToken, expireIn}
//     (https://open.dingtalk.com/document/orgapp/obtain-the-access_token-of-an-internal-app)
//   POST /v1.0/im/interactiveCards/send, header x-acs-dingtalk-access-token,
//     {cardTemplateId, receiverUserIdList | openConversationId, outTrackId, robotCode,
//      conversationType, callbackRouteKey, cardData: {cardParamMap}} -> {success, result}
//     (https://open.dingtalk.com/document/orgapp/robots-send-interactive-cards)
//   PUT /v1.0/im/interactiveCards {outTrackId, cardData: {cardParamMap}, cardOptions} to update
//     (https://open.dingtalk.com/document/orgapp/update-dingtalk-interactive-cards)
// Errors are HTTP 4xx/5xx with {code, message, requestid}; 401/403 with an invalid token code
// means refetch the token once.
//
// The channel layer chooses (createChannelClients): a DingTalk app with DINGTALK_CARD_TEMPLATE_ID
// sends an approval card as an interactive card whose buttons call /chat-callbacks/dingtalk;
// without it, the work-notification action_card (link buttons to the signed pages) stays, and the
// interactive part of the payload is dropped before sending.
import type { DingTalkAppConfig, DingTalkCardsConfig } from '../config/im';
import { DINGTALK_INTERACTIVE_FIELD } from './cards/approval-card';
import type { ChannelClient, ChannelMessage, ChannelSendResult } from './channel';
import { num, requestJson, str } from './http';
import { transientOnNetwork } from './platforms/common';
import { TokenCache } from './token-cache';

export interface DingTalkInteractive {
  outTrackId: string;
  cardParamMap: Record<string, string>;
}

export function interactiveOf(message: ChannelMessage): DingTalkInteractive | undefined {
  const p = message.payload;
  if (p.type !== 'card') return undefined;
  const i = p.card[DINGTALK_INTERACTIVE_FIELD] as DingTalkInteractive | undefined;
  return i && typeof i.outTrackId === 'string' && i.cardParamMap ? i : undefined;
}

/** The message without its interactive part (what the work notification's action_card may carry). */
function withoutInteractive(message: ChannelMessage): ChannelMessage {
  const p = message.payload;
  if (p.type !== 'card' || !(DINGTALK_INTERACTIVE_FIELD in p.card)) return message;
  const { [DINGTALK_INTERACTIVE_FIELD]: _dropped, ...card } = p.card;
  return { ...message, payload: { ...p, card } };
}

const TOKEN_CODES = new Set(['InvalidAuthentication', 'Forbidden.AccessDenied.AccessTokenInvalid']);

export interface DingTalkCardApi {
  send(input: { userId: string; card: DingTalkInteractive }): Promise<ChannelSendResult>;
  /** Replaces the card's variables (the status line instead of the buttons). Throws on failure. */
  update(input: { outTrackId: string; cardParamMap: Record<string, string> }): Promise<void>;
  tokens: TokenCache;
}

export function createDingTalkCardApi(
  app: Pick<DingTalkAppConfig, 'appKey' | 'appSecret'>,
  cards: DingTalkCardsConfig,
  options: { timeoutMs?: number } = {},
): DingTalkCardApi {
  const tokens = new TokenCache(async () => {
    const res = await requestJson('POST', new URL('/v1.0/oauth2/accessToken', cards.apiBaseUrl), {
      timeoutMs: options.timeoutMs,
      body: { appKey: app.appKey, appSecret: app.appSecret },
    });
    const token = str(res.body.accessToken);
    if (res.status === 200 && token)
      return { ok: true, token, expiresInSeconds: num(res.body.expireIn) ?? 7200 };
    return {
      ok: false,
      permanent: res.status >= 400 && res.status < 500,
      detail: `DingTalk accessToken: HTTP ${res.status} ${String(res.body.code ?? '')}`.slice(0, 300),
    };
  });

  async function call(
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: Record<string, unknown>; detail?: string; permanent?: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.get();
      if (!token.ok) return { status: 0, body: {}, detail: token.detail, permanent: token.permanent };
      const res = await requestJson(method, new URL(path, cards.apiBaseUrl), {
        timeoutMs: options.timeoutMs,
        headers: { 'x-acs-dingtalk-access-token': token.token },
        body,
      });
      if (res.status === 200) return res;
      const code = String(res.body.code ?? '');
      if ((res.status === 401 || TOKEN_CODES.has(code)) && attempt === 0) {
        tokens.invalidate(token.token);
        continue;
      }
      const detail = `DingTalk ${path}: HTTP ${res.status} ${code} ${String(res.body.message ?? '')}`;
      return {
        ...res,
        detail: detail.slice(0, 500),
        permanent: res.status >= 400 && res.status < 500 && res.status !== 429,
      };
    }
  }

  return {
    tokens,
    async send({ userId, card }) {
      const res = await call('POST', '/v1.0/im/interactiveCards/send', {
        cardTemplateId: cards.templateId,
        // conversationType 0: the robot's single chat with the member.
        conversationType: 0,
        receiverUserIdList: [userId],
        robotCode: cards.robotCode,
        outTrackId: card.outTrackId,
        ...(cards.callbackRouteKey ? { callbackRouteKey: cards.callbackRouteKey } : {}),
        cardData: { cardParamMap: card.cardParamMap },
      });
      if (!res.detail) return { outcome: 'sent', platformMessageId: card.outTrackId };
      if (res.status === 0 && res.permanent)
        return { outcome: 'permanent', code: 'bad_credentials', detail: res.detail };
      if (!res.permanent) return { outcome: 'transient', detail: res.detail };
      const code = String(res.body.code ?? '');
      // A retried send of a card DingTalk already has: it is there, so it was sent.
      if (/outTrackId/i.test(code) && /exist|duplicate/i.test(`${code} ${String(res.body.message)}`))
        return { outcome: 'sent', platformMessageId: card.outTrackId };
      if (/user|receiver|staff/i.test(code))
        return { outcome: 'permanent', code: 'unknown_recipient', detail: res.detail };
      if (res.status === 403) return { outcome: 'permanent', code: 'app_revoked', detail: res.detail };
      return { outcome: 'permanent', code: 'bad_payload', detail: res.detail };
    },
    async update({ outTrackId, cardParamMap }) {
      const res = await call('PUT', '/v1.0/im/interactiveCards', {
        outTrackId,
        cardData: { cardParamMap },
        // Only the named variables change; the rest of the card stays.
        cardOptions: { updateCardDataByKey: true },
      });
      if (res.detail) throw new Error(res.detail);
    },
  };
}

/**
 * The dingtalk_app channel: interactive cards when configured, the work notification otherwise
 * (and for every message that is not an approval card).
 */
export function withDingTalkCards(
  workNotification: ChannelClient,
  app: DingTalkAppConfig,
  options: { timeoutMs?: number } = {},
): ChannelClient {
  const api = app.cards ? createDingTalkCardApi(app, app.cards, options) : undefined;
  return {
    channel: workNotification.channel,
    send: async (message) => {
      const card = interactiveOf(message);
      if (api && card && message.target.kind === 'user') {
        const userId = message.target.platformUserId;
        return transientOnNetwork(() => api.send({ userId, card }));
      }
      return workNotification.send(withoutInteractive(message));
    },
  };
}
