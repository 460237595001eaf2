// DingTalk (钉钉) interactive-card callback endpoint: a button of the card sent by
// src/notify/dingtalk-cards.ts (template variables from dingtalkCardParams) is posted by DingTalk
// to the callback route registered for its callbackRouteKey
// (https://open.dingtalk.com/document/orgapp/interactive-card-callback), body
//   {outTrackId, corpId, userId, content: '{"cardPrivateData":{"actionIds":[...],"params":{"psmToken":...}}}'}
// with the headers `timestamp` (ms) and `sign` = base64(HMAC-SHA256(app secret,
// timestamp + "\n" + app secret)) (./dingtalk-sign.ts). Verified before anything is read; the
// timestamp must be within CHAT_CALLBACK_MAX_AGE_SECONDS. DingTalk waits 1.5 s for the answer:
// we wait for the decision at most ~1.2 s, then it finishes in the background (still exactly
// once: the token claim and the Update id). Either way the card is then updated through
// PUT /v1.0/im/interactiveCards to show the decision instead of the buttons.
import type { PrismaClient } from '../../db/prisma';
import { dingtalkCardParams } from '../cards/approval-card';
import { loadCardFacts } from '../cards/load-card-facts';
import type { DingTalkCardApi } from '../dingtalk-cards';
import { answerText, cardStatusLine } from './card-state';
import { within, type ChatClickOutcome, type ChatDecider } from './decide-from-chat';
import { dingtalkVerifySign } from './dingtalk-sign';
import {
  createBackgroundWork,
  isFresh,
  json,
  refusal,
  type CallbackAnswer,
  type CallbackRequest,
  type PlatformCallbackHandler,
} from './types';

export interface DingTalkCallbackOptions {
  appSecret: string;
  prisma: PrismaClient;
  decider: ChatDecider;
  cards: Pick<DingTalkCardApi, 'update'>;
  maxAgeSeconds: number;
  /** How long the answer may wait for the decision (DingTalk gives 1.5 s). */
  answerWithinMs?: number;
  publicBaseUrl?: string;
  now?: () => number;
  onError(err: unknown): void;
}

/** The field of the button's callback params that carries the signed ActionToken. */
export const DINGTALK_TOKEN_PARAM = 'psmToken';

type Json = Record<string, unknown>;
const parse = (text: string): Json | undefined => {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
};
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

export function createDingTalkCallbackHandler(options: DingTalkCallbackOptions): PlatformCallbackHandler {
  const now = options.now ?? Date.now;
  const background = createBackgroundWork(options.onError);

  async function updateCard(outTrackId: string, outcome: ChatClickOutcome): Promise<void> {
    if (!outcome.link) return;
    const line = await cardStatusLine(options.prisma, outcome);
    if (!line) return;
    const facts = await loadCardFacts(
      options.prisma,
      outcome.link,
      outcome.locale,
      `${options.publicBaseUrl ?? ''}/#/opportunities/${encodeURIComponent(outcome.link.opportunityId)}`,
    );
    if (!facts) return;
    await options.cards.update({ outTrackId, cardParamMap: dingtalkCardParams(facts, null, line) });
  }

  async function handle(req: CallbackRequest): Promise<CallbackAnswer> {
    if (req.method !== 'POST') return refusal(400, 'INVALID_INPUT', 'DingTalk callbacks are POST requests');
    const timestamp = req.headers.timestamp;
    const sign = req.headers.sign;
    if (!timestamp || !sign)
      return refusal(401, 'CALLBACK_SIGNATURE_INVALID', 'timestamp and sign are required');
    try {
      dingtalkVerifySign(options.appSecret, { timestamp, sign });
    } catch {
      return refusal(401, 'CALLBACK_SIGNATURE_INVALID', 'sign does not match');
    }
    // DingTalk's timestamp is in milliseconds.
    if (!/^\d{13}$/.test(timestamp) || !isFresh(timestamp.slice(0, 10), now(), options.maxAgeSeconds))
      return refusal(401, 'CALLBACK_STALE', 'timestamp is outside the accepted window');
    const body = parse(req.rawBody.toString('utf8'));
    if (!body) return refusal(400, 'INVALID_INPUT', 'a JSON body is required');
    const content = typeof body.content === 'string' ? parse(body.content) : obj(body.content);
    const token = obj(obj(content?.cardPrivateData).params)[DINGTALK_TOKEN_PARAM];
    const userId = body.userId;
    const outTrackId = body.outTrackId;
    if (typeof userId !== 'string' || typeof outTrackId !== 'string' || typeof token !== 'string')
      return refusal(400, 'INVALID_INPUT', 'userId, outTrackId and the button params are required');

    const work = options.decider.decide({ platform: 'dingtalk', platformUserId: userId, token });
    const afterwards = (outcome: ChatClickOutcome) => background.run(() => updateCard(outTrackId, outcome));
    const early = await within(work, options.answerWithinMs ?? 1_200);
    if (early) {
      afterwards(early);
      const outcome = early.kind === 'decided' ? `decided:${early.status}` : `refused:${early.code}`;
      // A refusal from a verified DingTalk still gets 200: a non-200 makes the platform retry.
      return json(200, { success: true, result: { message: answerText(early.locale, early) } }, outcome);
    }
    background.run(async () => updateCard(outTrackId, await work));
    return json(200, { success: true, result: { message: answerText('zh-CN', undefined) } }, 'pending');
  }

  return { handle, idle: () => background.idle() };
}
