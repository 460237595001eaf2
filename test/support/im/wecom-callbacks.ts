// WeCom's side of a card click, on the local WeCom server: every template_card delivered gets a
// ResponseCode per member (as WeCom puts in the template_card_event), a click is posted to our
// callback URL the way WeCom does it (the event XML encrypted with the app's EncodingAESKey for
// the corp, msg_signature over token/timestamp/nonce/Encrypt, in the query), and
// /cgi-bin/message/update_template_card honours each ResponseCode once
// (https://developer.work.weixin.qq.com/document/path/94888).
import { randomBytes } from 'node:crypto';
import { flatXml } from '../../../src/notify/callbacks/flat-xml';
import { wecomAesKey, wecomEncrypt, wecomSignature } from '../../../src/notify/callbacks/wecom-crypto';
import { WeComServer } from './wecom';
import type { ReceivedRequest, Reply } from './server';

export interface WeComCard {
  to: string;
  taskId: string;
  responseCode: string;
  card: Record<string, any>;
}

export interface ClickOptions {
  /** Which button: 0 = approve, 1 = reject. */
  button?: number;
  /** The clicker (default: the card's recipient). */
  from?: string;
  /** Seconds since the epoch in the query (default now). */
  timestamp?: number;
  nonce?: string;
  /** Sign with another token (a forger without ours). */
  signWith?: string;
  /** Encrypt for another corp. */
  corpId?: string;
  /** The button key, replaced (a forged token). */
  key?: string;
}

export interface ClickResult {
  status: number;
  body: string;
  outcome: string | null;
  /** The exact request, to replay it. */
  url: string;
  xml: string;
}

export class WeComCallbackServer extends WeComServer {
  readonly callbackToken = `tok${randomBytes(8).toString('hex')}`;
  readonly encodingAesKey = randomBytes(32)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'A')
    .slice(0, 43);
  readonly cards: WeComCard[] = [];
  readonly cardUpdates: { userids: string[]; responseCode: string; replaceName: string }[] = [];
  private readonly usedCodes = new Set<string>();

  constructor(options: ConstructorParameters<typeof WeComServer>[0] = {}) {
    super(options);
    this.route('POST', '/cgi-bin/message/update_template_card', (r) => this.updateCard(r));
  }

  protected override messageSend(r: ReceivedRequest): Reply {
    const before = this.delivered.length;
    const reply = super.messageSend(r);
    for (const d of this.delivered.slice(before)) {
      if (d.msgtype !== 'template_card') continue;
      const card = d.body.template_card as Record<string, any>;
      this.cards.push({
        to: d.to,
        taskId: String(card.task_id),
        responseCode: `rc-${randomBytes(12).toString('hex')}`,
        card,
      });
    }
    return reply;
  }

  private updateCard(r: ReceivedRequest): Reply {
    const bad = this.validToken(r.query.access_token);
    if (bad) return { body: bad };
    const body = (r.body ?? {}) as Record<string, any>;
    if (body.agentid !== this.agentId) return { body: { errcode: 40056, errmsg: 'invalid agentid' } };
    const code = String(body.response_code ?? '');
    if (!this.cards.some((c) => c.responseCode === code) || this.usedCodes.has(code))
      return { body: { errcode: 40066, errmsg: 'invalid response_code' } };
    this.usedCodes.add(code);
    this.cardUpdates.push({
      userids: body.userids,
      responseCode: code,
      replaceName: body.button?.replace_name,
    });
    return { body: { errcode: 0, errmsg: 'ok', invaliduser: [] } };
  }

  /** WeCom posting a template_card_event for a click on `card` to `callbackUrl`. */
  async click(callbackUrl: string, card: WeComCard, options: ClickOptions = {}): Promise<ClickResult> {
    const timestamp = String(options.timestamp ?? Math.floor(this.now() / 1000));
    const nonce = options.nonce ?? String(Math.floor(Math.random() * 1e9));
    const key = options.key ?? card.card.button_list[options.button ?? 0].key;
    const event = flatXml({
      ToUserName: this.corpId,
      FromUserName: options.from ?? card.to,
      CreateTime: Number(timestamp),
      MsgType: 'event',
      Event: 'template_card_event',
      AgentID: this.agentId,
      EventKey: key,
      TaskId: card.taskId,
      CardType: 'button_interaction',
      ResponseCode: card.responseCode,
    });
    const encrypt = wecomEncrypt(wecomAesKey(this.encodingAesKey), event, options.corpId ?? this.corpId);
    const signature = wecomSignature(options.signWith ?? this.callbackToken, timestamp, nonce, encrypt);
    const url = `${callbackUrl}?msg_signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`;
    const xml = flatXml({ ToUserName: this.corpId, AgentID: String(this.agentId), Encrypt: encrypt });
    return this.post(url, xml);
  }

  /** Sends a request exactly as before (a replay). */
  async post(url: string, xml: string): Promise<ClickResult> {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
    return {
      status: res.status,
      body: await res.text(),
      outcome: res.headers.get('x-psm-outcome'),
      url,
      xml,
    };
  }

  /** The URL verification WeCom does when the callback URL is saved. */
  async verifyUrl(callbackUrl: string, echo = `echo-${randomBytes(6).toString('hex')}`) {
    const timestamp = String(Math.floor(this.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const echostr = wecomEncrypt(wecomAesKey(this.encodingAesKey), echo, this.corpId);
    const signature = wecomSignature(this.callbackToken, timestamp, nonce, echostr);
    const url = `${callbackUrl}?msg_signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&echostr=${encodeURIComponent(echostr)}`;
    const res = await fetch(url);
    return { status: res.status, body: await res.text(), echo };
  }
}
