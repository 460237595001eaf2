// DingTalk's interactive cards on the local DingTalk server (the new-style API of
// api.dingtalk.com, served here beside the old oapi routes): POST /v1.0/oauth2/accessToken,
// POST /v1.0/im/interactiveCards/send (x-acs-dingtalk-access-token, one card per outTrackId,
// members only) and PUT /v1.0/im/interactiveCards (update by outTrackId). A click on a delivered
// card is posted to our callback URL as DingTalk does: the button's callback params in
// content.cardPrivateData.params, signed with the `timestamp` (ms) and `sign` headers
// (base64 HMAC-SHA256 of `${timestamp}\n${appSecret}`, keyed with the app secret).
import { createHmac } from 'node:crypto';
import { DingTalkServer } from './dingtalk';
import { randomToken, type ReceivedRequest, type Reply } from './server';

export interface DingTalkCard {
  outTrackId: string;
  to: string;
  templateId: string;
  callbackRouteKey: string | undefined;
  /** As sent (what the buttons carry). */
  params: Record<string, string>;
  /** As shown now, after the updates. */
  current: Record<string, string>;
}

export interface DingTalkClickOptions {
  userId: string;
  button?: 'approve' | 'reject';
  timestamp?: number;
  signWith?: string;
  /** Leave the sign header off. */
  unsigned?: boolean;
}

export interface DingTalkClickResult {
  status: number;
  body: any;
  outcome: string | null;
  elapsedMs: number;
}

const err = (status: number, code: string, message: string): Reply => ({
  status,
  body: { code, message, requestid: randomToken('req-') },
});

export class DingTalkCardServer extends DingTalkServer {
  readonly cards = new Map<string, DingTalkCard>();
  readonly cardUpdates: { outTrackId: string; params: Record<string, string> }[] = [];
  private readonly newTokens = new Map<string, number>();

  constructor(options: ConstructorParameters<typeof DingTalkServer>[0] = {}) {
    super(options);
    this.route('POST', '/v1.0/oauth2/accessToken', (r) => this.accessToken(r));
    this.route('POST', '/v1.0/im/interactiveCards/send', (r) => this.sendCard(r));
    this.route('PUT', '/v1.0/im/interactiveCards', (r) => this.updateCard(r));
  }

  private accessToken(r: ReceivedRequest): Reply {
    const body = (r.body ?? {}) as Record<string, unknown>;
    if (body.appKey !== this.appKey || body.appSecret !== this.appSecret)
      return err(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
    const token = randomToken('ding-new-');
    this.newTokens.set(token, this.now() + 7200_000);
    return { body: { accessToken: token, expireIn: 7200 } };
  }

  private authError(r: ReceivedRequest): Reply | undefined {
    const token = String(r.headers['x-acs-dingtalk-access-token'] ?? '');
    const expiresAt = this.newTokens.get(token);
    if (expiresAt === undefined || expiresAt <= this.now())
      return err(401, 'InvalidAuthentication', '不合法的access_token');
    return undefined;
  }

  private sendCard(r: ReceivedRequest): Reply {
    const bad = this.authError(r);
    if (bad) return bad;
    const body = (r.body ?? {}) as Record<string, any>;
    if (typeof body.cardTemplateId !== 'string' || typeof body.outTrackId !== 'string')
      return err(400, 'param.invalid', 'cardTemplateId and outTrackId are required');
    if (body.robotCode !== this.appKey) return err(400, 'robot.notExist', 'robotCode 不存在');
    const params = body.cardData?.cardParamMap;
    if (!params || Object.values(params).some((v) => typeof v !== 'string'))
      return err(400, 'param.invalid', 'cardParamMap values must be strings');
    const to: string[] = Array.isArray(body.receiverUserIdList) ? body.receiverUserIdList : [];
    if (to.length !== 1 || !this.members.has(to[0]!))
      return err(400, 'staff.notExist', 'receiverUserIdList 中的用户不存在');
    if (this.cards.has(body.outTrackId)) return err(400, 'outTrackId.exist', 'outTrackId already exists');
    this.cards.set(body.outTrackId, {
      outTrackId: body.outTrackId,
      to: to[0]!,
      templateId: body.cardTemplateId,
      callbackRouteKey: body.callbackRouteKey,
      params: { ...params },
      current: { ...params },
    });
    return { body: { success: true, result: { processQueryKeys: [randomToken('pqk-')] } } };
  }

  private updateCard(r: ReceivedRequest): Reply {
    const bad = this.authError(r);
    if (bad) return bad;
    const body = (r.body ?? {}) as Record<string, any>;
    const card = this.cards.get(String(body.outTrackId));
    if (!card) return err(400, 'card.notExist', 'outTrackId 对应的卡片不存在');
    const params = (body.cardData?.cardParamMap ?? {}) as Record<string, string>;
    card.current = body.cardOptions?.updateCardDataByKey ? { ...card.current, ...params } : { ...params };
    this.cardUpdates.push({ outTrackId: card.outTrackId, params });
    return { body: { success: true, result: true } };
  }

  static sign(timestamp: string, secret: string): string {
    return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
  }

  /** DingTalk posting the callback of a button of the card `outTrackId`, clicked by `userId`. */
  async click(url: string, outTrackId: string, options: DingTalkClickOptions): Promise<DingTalkClickResult> {
    const card = this.cards.get(outTrackId);
    if (!card) throw new Error(`no card ${outTrackId}`);
    const token = card.params[options.button === 'reject' ? 'rejectToken' : 'approveToken'] ?? '';
    const body = JSON.stringify({
      outTrackId,
      corpId: 'ding-corp-local',
      userId: options.userId,
      content: JSON.stringify({
        cardPrivateData: { actionIds: [options.button ?? 'approve'], params: { psmToken: token } },
      }),
    });
    const timestamp = String(options.timestamp ?? this.now());
    const headers: Record<string, string> = { 'content-type': 'application/json', timestamp };
    if (!options.unsigned)
      headers.sign = DingTalkCardServer.sign(timestamp, options.signWith ?? this.appSecret);
    const started = Date.now();
    const res = await fetch(url, { method: 'POST', headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    return {
      status: res.status,
      body: parsed,
      outcome: res.headers.get('x-psm-outcome'),
      elapsedMs: Date.now() - started,
    };
  }
}
