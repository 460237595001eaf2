// Feishu's side of a card click, on the local Feishu server: a click on a delivered interactive
// card is posted to our callback URL as Feishu does it for card.action.trigger (schema 2.0 body
// encrypted with the Encrypt Key, X-Lark-Request-Timestamp/-Nonce/-Signature headers), the
// URL-verification challenge likewise, and the delayed card update
// POST /open-apis/interactive/v1/card/update honours each callback token (30 min, twice).
import { randomBytes } from 'node:crypto';
import { feishuEncrypt, feishuSignature } from '../../../src/notify/callbacks/feishu-crypto';
import { FeishuServer } from './feishu';
import type { ReceivedRequest, Reply } from './server';

export interface FeishuClickOptions {
  button?: number;
  openId?: string;
  timestamp?: number;
  signWith?: string;
  verificationToken?: string;
  /** Leave the signature headers off. */
  unsigned?: boolean;
}

export interface FeishuClickResult {
  status: number;
  body: any;
  outcome: string | null;
  elapsedMs: number;
  updateToken: string;
}

export class FeishuCallbackServer extends FeishuServer {
  readonly verificationToken = `vt-${randomBytes(8).toString('hex')}`;
  readonly encryptKey = `ek-${randomBytes(12).toString('hex')}`;
  readonly cardUpdates: { token: string; card: Record<string, any> }[] = [];
  private readonly updateTokens = new Map<string, number>();

  constructor(options: ConstructorParameters<typeof FeishuServer>[0] = {}) {
    super(options);
    this.route('POST', '/open-apis/interactive/v1/card/update', (r) => this.updateCard(r));
  }

  private updateCard(r: ReceivedRequest): Reply {
    const auth = String(r.headers.authorization ?? '');
    if (!auth.startsWith('Bearer t-'))
      return { status: 400, body: { code: 99991663, msg: 'Invalid access token' } };
    const body = (r.body ?? {}) as Record<string, any>;
    const uses = this.updateTokens.get(String(body.token));
    if (uses === undefined || uses >= 2)
      return { status: 400, body: { code: 200830, msg: 'token invalid or used up' } };
    this.updateTokens.set(String(body.token), uses + 1);
    this.cardUpdates.push({ token: String(body.token), card: body.card });
    return { body: { code: 0, msg: 'success' } };
  }

  private async post(url: string, inner: unknown, options: FeishuClickOptions) {
    const body = JSON.stringify({ encrypt: feishuEncrypt(this.encryptKey, JSON.stringify(inner)) });
    const timestamp = String(options.timestamp ?? Math.floor(this.now() / 1000));
    const nonce = randomBytes(8).toString('hex');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!options.unsigned) {
      headers['x-lark-request-timestamp'] = timestamp;
      headers['x-lark-request-nonce'] = nonce;
      headers['x-lark-signature'] = feishuSignature(
        timestamp,
        nonce,
        options.signWith ?? this.encryptKey,
        body,
      );
    }
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

  /** Feishu posting card.action.trigger for a click on the card delivered to `openId`. */
  async click(
    url: string,
    card: Record<string, any>,
    options: FeishuClickOptions & { openId: string },
  ): Promise<FeishuClickResult> {
    const action = card.elements.find((e: any) => e.tag === 'action');
    const value = action.actions[options.button ?? 0].value;
    const updateToken = `c-${randomBytes(10).toString('hex')}`;
    this.updateTokens.set(updateToken, 0);
    const inner = {
      schema: '2.0',
      header: {
        event_id: randomBytes(16).toString('hex'),
        token: options.verificationToken ?? this.verificationToken,
        create_time: String(this.now() * 1000),
        event_type: 'card.action.trigger',
        tenant_key: 'tenant-local',
        app_id: this.appId,
      },
      event: {
        operator: { open_id: options.openId, tenant_key: 'tenant-local' },
        token: updateToken,
        action: { value, tag: 'button' },
        host: 'im_message',
        context: { open_message_id: 'om_local', open_chat_id: 'oc_local' },
      },
    };
    return { ...(await this.post(url, inner, options)), updateToken };
  }

  async challenge(url: string, options: FeishuClickOptions = {}) {
    const challenge = randomBytes(8).toString('hex');
    const res = await this.post(
      url,
      { challenge, token: options.verificationToken ?? this.verificationToken, type: 'url_verification' },
      { unsigned: true, ...options },
    );
    return { ...res, challenge };
  }
}
