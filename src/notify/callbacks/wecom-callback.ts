// WeCom (企业微信) callback endpoint for the app's "接收消息" URL
// (https://developer.work.weixin.qq.com/document/path/90930):
// - GET ?msg_signature&timestamp&nonce&echostr: URL verification; answer the decrypted echostr.
// - POST ?msg_signature&timestamp&nonce with <xml><ToUserName/><AgentID/><Encrypt/></xml>: an event.
//   A template_card_event (https://developer.work.weixin.qq.com/document/path/90240#模板卡片事件推送)
//   carries FromUserName (the clicker), EventKey (the button's key: our token), TaskId and
//   ResponseCode (to update the card once).
// The signature is checked before anything is decrypted or read, the timestamp must be within
// the window, and the decrypted body must name our corp. The answer ("success") goes back within
// the platform's 5 s; a decision slower than that finishes in the background, and the card is
// updated through update_template_card when it is known.
import type { PrismaClient } from '../../db/prisma';
import { CallbackCryptoError, wecomAesKey, wecomDecrypt, wecomVerifySignature } from './wecom-crypto';
import { xmlField } from './flat-xml';
import { cardStatusLine } from './card-state';
import { within, type ChatDecider } from './decide-from-chat';
import type { WeComCardUpdater } from './wecom-card-updater';
import {
  createBackgroundWork,
  isFresh,
  refusal,
  type CallbackAnswer,
  type CallbackRequest,
  type PlatformCallbackHandler,
} from './types';

export interface WeComCallbackOptions {
  token: string;
  encodingAesKey: string;
  corpId: string;
  prisma: PrismaClient;
  decider: ChatDecider;
  updater: WeComCardUpdater;
  maxAgeSeconds: number;
  /** How long the answer may wait for the decision (WeCom gives 5 s). */
  answerWithinMs?: number;
  now?: () => number;
  onError(err: unknown): void;
}

const text = (body: string, outcome: string): CallbackAnswer => ({
  status: 200,
  contentType: 'text/plain',
  body,
  outcome,
});

export function createWeComCallbackHandler(options: WeComCallbackOptions): PlatformCallbackHandler {
  const aesKey = wecomAesKey(options.encodingAesKey);
  const now = options.now ?? Date.now;
  const background = createBackgroundWork(options.onError);

  function verified(req: CallbackRequest, encrypt: string | undefined): string | CallbackAnswer {
    const { msg_signature: msgSignature, timestamp, nonce } = req.query;
    if (!msgSignature || !timestamp || !nonce || !encrypt)
      return refusal(
        400,
        'INVALID_INPUT',
        'msg_signature, timestamp, nonce and an encrypted body are required',
      );
    try {
      wecomVerifySignature(options.token, { msgSignature, timestamp, nonce, encrypt });
    } catch {
      return refusal(401, 'CALLBACK_SIGNATURE_INVALID', 'the msg_signature does not match');
    }
    if (!isFresh(timestamp, now(), options.maxAgeSeconds))
      return refusal(401, 'CALLBACK_STALE', 'the timestamp is outside the accepted window');
    try {
      return wecomDecrypt(aesKey, encrypt, options.corpId);
    } catch (err) {
      const reason = err instanceof CallbackCryptoError ? err.reason : 'decrypt';
      return refusal(
        401,
        'CALLBACK_SIGNATURE_INVALID',
        `the body does not decrypt for this corp (${reason})`,
      );
    }
  }

  async function handle(req: CallbackRequest): Promise<CallbackAnswer> {
    if (req.method === 'GET') {
      const plain = verified(req, req.query.echostr);
      return typeof plain === 'string' ? text(plain, 'verified') : plain;
    }
    const plain = verified(req, xmlField(req.rawBody.toString('utf8'), 'Encrypt'));
    if (typeof plain !== 'string') return plain;
    const event = xmlField(plain, 'Event');
    const from = xmlField(plain, 'FromUserName');
    const key = xmlField(plain, 'EventKey');
    const responseCode = xmlField(plain, 'ResponseCode');
    // Other events (a member entering the app, ...) are not ours to act on; WeCom wants an answer.
    if (event !== 'template_card_event' || !from || !key) return text('success', 'ignored');
    const work = options.decider.decide({ platform: 'wecom', platformUserId: from, token: key });
    background.run(async () => {
      const outcome = await work;
      if (!responseCode) return;
      const line = await cardStatusLine(options.prisma, outcome);
      if (line) await options.updater.update({ userid: from, responseCode, replaceName: line });
    });
    const outcome = await within(work, options.answerWithinMs ?? 3_000);
    return text(
      'success',
      !outcome
        ? 'pending'
        : outcome.kind === 'decided'
          ? `decided:${outcome.status}`
          : `refused:${outcome.code}`,
    );
  }

  return { handle, idle: () => background.idle() };
}
