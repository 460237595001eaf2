// Feishu (飞书) callback endpoint for card actions ("卡片回传交互", card.action.trigger,
// https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-callback-communication)
// and the URL-verification handshake. We require the Encrypt Key: every body is
// {"encrypt": ...}; an action must carry a valid X-Lark-Signature (sha256 of timestamp + nonce +
// encrypt key + raw body) with a fresh X-Lark-Request-Timestamp, and its header.token must be our
// Verification Token. The challenge (which Feishu does not sign) is answered only when it
// decrypts with our key and carries our token. The answer goes back within Feishu's 3 s: with
// the new card when the decision is known by then, else a "working on it" toast, and the card is
// updated through the delayed-update API once the decision is known.
import type { PrismaClient } from '../../db/prisma';
import { buildStatusCard } from '../cards/approval-card';
import { CARD_TOKEN_FIELD } from '../cards/approval-card';
import { loadCardFacts } from '../cards/load-card-facts';
import { answerText, cardStatusLine } from './card-state';
import { within, type ChatClickOutcome, type ChatDecider } from './decide-from-chat';
import { feishuDecrypt, feishuVerifySignature } from './feishu-crypto';
import type { FeishuCardUpdater } from './feishu-card-updater';
import { sameSignature } from './wecom-crypto';
import {
  createBackgroundWork,
  isFresh,
  json,
  refusal,
  type CallbackAnswer,
  type CallbackRequest,
  type PlatformCallbackHandler,
} from './types';

export interface FeishuCallbackOptions {
  verificationToken: string;
  encryptKey: string;
  prisma: PrismaClient;
  decider: ChatDecider;
  updater: FeishuCardUpdater;
  maxAgeSeconds: number;
  /** How long the answer may wait for the decision (Feishu gives 3 s). */
  answerWithinMs?: number;
  /** For the deal link on the rebuilt card. */
  publicBaseUrl?: string;
  now?: () => number;
  onError(err: unknown): void;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const parse = (text: string): Json | undefined => {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
};

export function createFeishuCallbackHandler(options: FeishuCallbackOptions): PlatformCallbackHandler {
  const now = options.now ?? Date.now;
  const background = createBackgroundWork(options.onError);
  const ourToken = (token: unknown) =>
    typeof token === 'string' && sameSignature(token, options.verificationToken);

  async function newCard(outcome: ChatClickOutcome): Promise<Json | undefined> {
    if (!outcome.link) return undefined;
    const line = await cardStatusLine(options.prisma, outcome);
    if (!line) return undefined;
    const facts = await loadCardFacts(
      options.prisma,
      outcome.link,
      outcome.locale,
      `${options.publicBaseUrl ?? ''}/#/opportunities/${encodeURIComponent(outcome.link.opportunityId)}`,
    );
    return facts ? buildStatusCard('feishu', facts, line) : undefined;
  }

  async function handle(req: CallbackRequest): Promise<CallbackAnswer> {
    if (req.method !== 'POST') return refusal(400, 'INVALID_INPUT', 'Feishu callbacks are POST requests');
    const outer = parse(req.rawBody.toString('utf8'));
    if (!outer || typeof outer.encrypt !== 'string')
      return refusal(400, 'INVALID_INPUT', 'an encrypted body {"encrypt": ...} is required');
    const signature = req.headers['x-lark-signature'];
    const timestamp = req.headers['x-lark-request-timestamp'];
    const nonce = req.headers['x-lark-request-nonce'];
    let signed = false;
    if (signature !== undefined) {
      try {
        feishuVerifySignature(options.encryptKey, {
          signature,
          timestamp: timestamp ?? '',
          nonce: nonce ?? '',
          rawBody: req.rawBody,
        });
      } catch {
        return refusal(401, 'CALLBACK_SIGNATURE_INVALID', 'X-Lark-Signature does not match');
      }
      if (!isFresh(timestamp, now(), options.maxAgeSeconds))
        return refusal(401, 'CALLBACK_STALE', 'X-Lark-Request-Timestamp is outside the accepted window');
      signed = true;
    }
    let inner: Json | undefined;
    try {
      inner = parse(feishuDecrypt(options.encryptKey, outer.encrypt));
    } catch {
      inner = undefined;
    }
    if (!inner)
      return refusal(401, 'CALLBACK_SIGNATURE_INVALID', 'the body does not decrypt with our encrypt key');

    if (inner.type === 'url_verification') {
      if (!ourToken(inner.token))
        return refusal(401, 'CALLBACK_SIGNATURE_INVALID', 'wrong verification token');
      return json(200, { challenge: String(inner.challenge ?? '') }, 'verified');
    }
    if (!signed) return refusal(401, 'CALLBACK_SIGNATURE_INVALID', 'X-Lark-Signature is required');
    const header = obj(inner.header);
    if (!ourToken(header.token))
      return refusal(401, 'CALLBACK_SIGNATURE_INVALID', 'wrong verification token');
    const event = obj(inner.event);
    const openId = obj(event.operator).open_id;
    const token = obj(obj(event.action).value)[CARD_TOKEN_FIELD];
    const updateToken = event.token;
    if (
      header.event_type !== 'card.action.trigger' ||
      typeof openId !== 'string' ||
      typeof token !== 'string'
    )
      return json(200, {}, 'ignored');

    const work = options.decider.decide({ platform: 'feishu', platformUserId: openId, token });
    const early = await within(work, options.answerWithinMs ?? 2_500);
    if (early) {
      const card = await newCard(early).catch((err: unknown) => {
        options.onError(err);
        return undefined;
      });
      const toast = {
        type: early.kind === 'decided' ? 'success' : 'error',
        content: answerText(early.locale, early),
      };
      const outcome = early.kind === 'decided' ? `decided:${early.status}` : `refused:${early.code}`;
      return json(200, card ? { toast, card: { type: 'raw', data: card } } : { toast }, outcome);
    }
    background.run(async () => {
      const outcome = await work;
      const card = await newCard(outcome);
      if (card && typeof updateToken === 'string')
        await options.updater.update({ token: updateToken, openId, card });
    });
    return json(200, { toast: { type: 'info', content: answerText('zh-CN', undefined) } }, 'pending');
  }

  return { handle, idle: () => background.idle() };
}
