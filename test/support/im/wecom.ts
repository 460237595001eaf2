// A local WeCom (企业微信) server: gettoken, message/send (app messages) and webhook/send (group
// robots), with the documented answers (https://developer.work.weixin.qq.com/document/path/90236,
// /91039, /91770, error codes /90313). App messages above 30/min or 1,000/hour to one member are
// accepted (errcode 0) and dropped, as WeCom does; robots above 20/min get errcode 45009.
import { ImProtocolServer, RateWindow, randomToken, type ReceivedRequest, type Reply } from './server';

export interface WeComDelivered {
  kind: 'app' | 'robot';
  /** The member (app) or the robot key (robot). */
  to: string;
  msgtype: string;
  body: Record<string, unknown>;
  at: number;
}

export class WeComServer extends ImProtocolServer {
  readonly corpId: string;
  readonly secret: string;
  readonly agentId: number;
  readonly members = new Set<string>();
  readonly robotKeys = new Set<string>();
  readonly delivered: WeComDelivered[] = [];
  /** App messages WeCom accepted but never delivered (over the per-member limits). */
  readonly dropped: WeComDelivered[] = [];
  tokenLifetimeSeconds = 7200;
  revoked = false;
  private readonly tokens = new Map<string, number>();
  /** enable_duplicate_check: the same request JSON within the interval is accepted and not delivered again. */
  private readonly recent = new Map<string, number>();
  readonly duplicatesSuppressed: WeComDelivered[] = [];
  private readonly memberWindow = new RateWindow(
    [
      { windowMs: 60_000, max: 30 },
      { windowMs: 3_600_000, max: 1_000 },
    ],
    () => this.now(),
  );
  private readonly robotWindow = new RateWindow([{ windowMs: 60_000, max: 20 }], () => this.now());

  constructor(options: { corpId?: string; secret?: string; agentId?: number } = {}) {
    super();
    this.corpId = options.corpId ?? 'ww-local-corp';
    this.secret = options.secret ?? `wecom-secret-${randomToken('')}`;
    this.agentId = options.agentId ?? 1000002;
    this.route('GET', '/cgi-bin/gettoken', (r) => this.getToken(r));
    this.route('POST', '/cgi-bin/message/send', (r) => this.messageSend(r));
    this.route('POST', '/cgi-bin/webhook/send', (r) => this.webhookSend(r));
  }

  addMember(...ids: string[]): this {
    for (const id of ids) this.members.add(id);
    return this;
  }

  addRobot(key: string): this {
    this.robotKeys.add(key);
    return this;
  }

  /** Every token issued so far stops working (as after expiry). */
  expireTokens(): void {
    this.tokens.clear();
  }

  tokenRequests(): number {
    return this.requestsTo('/cgi-bin/gettoken').length;
  }

  protected getToken(r: ReceivedRequest): Reply {
    if (r.query.corpid !== this.corpId) return { body: { errcode: 40013, errmsg: 'invalid corpid' } };
    if (r.query.corpsecret !== this.secret) return { body: { errcode: 40001, errmsg: 'invalid credential' } };
    const token = randomToken('wx-at-');
    this.tokens.set(token, this.now() + this.tokenLifetimeSeconds * 1000);
    return { body: { errcode: 0, errmsg: 'ok', access_token: token, expires_in: this.tokenLifetimeSeconds } };
  }

  protected validToken(token: string | undefined): { errcode: number; errmsg: string } | undefined {
    if (!token) return { errcode: 41001, errmsg: 'access_token missing' };
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) return { errcode: 40014, errmsg: 'invalid access_token' };
    if (expiresAt <= this.now()) return { errcode: 42001, errmsg: 'access_token expired' };
    return undefined;
  }

  protected messageSend(r: ReceivedRequest): Reply {
    const bad = this.validToken(r.query.access_token);
    if (bad) return { body: bad };
    if (this.revoked)
      return { body: { errcode: 301002, errmsg: 'not allow operate another agent with this accesstoken' } };
    const body = (r.body ?? {}) as Record<string, unknown>;
    if (body.agentid !== this.agentId) return { body: { errcode: 40056, errmsg: 'invalid agentid' } };
    const msgtype = String(body.msgtype ?? '');
    if (
      !['text', 'markdown', 'textcard', 'template_card'].includes(msgtype) ||
      typeof body[msgtype] !== 'object'
    )
      return { body: { errcode: 40008, errmsg: 'invalid message type' } };
    if (msgtype === 'markdown') {
      const content = String((body.markdown as Record<string, unknown>).content ?? '');
      if (Buffer.byteLength(content) > 2048)
        return { body: { errcode: 45002, errmsg: 'content size out of limit' } };
    }
    const users = String(body.touser ?? '')
      .split('|')
      .filter(Boolean);
    const valid = users.filter((u) => this.members.has(u));
    const invalid = users.filter((u) => !this.members.has(u));
    if (valid.length === 0)
      return {
        body: { errcode: 81013, errmsg: 'user & party & tag all invalid', invaliduser: invalid.join('|') },
      };
    for (const to of valid) {
      const item: WeComDelivered = { kind: 'app', to, msgtype, body, at: this.now() };
      (this.memberWindow.take(to) ? this.delivered : this.dropped).push(item);
    }
    return {
      body: { errcode: 0, errmsg: 'ok', invaliduser: invalid.join('|'), msgid: randomToken('msg-') },
    };
  }

  protected webhookSend(r: ReceivedRequest): Reply {
    const key = r.query.key ?? '';
    if (!this.robotKeys.has(key)) return { body: { errcode: 93000, errmsg: 'invalid webhook url' } };
    if (!this.robotWindow.take(key)) return { body: { errcode: 45009, errmsg: 'api freq out of limit' } };
    const body = (r.body ?? {}) as Record<string, unknown>;
    const msgtype = String(body.msgtype ?? '');
    if (!['text', 'markdown', 'template_card', 'news'].includes(msgtype))
      return { body: { errcode: 40008, errmsg: 'invalid message type' } };
    this.delivered.push({ kind: 'robot', to: key, msgtype, body, at: this.now() });
    return { body: { errcode: 0, errmsg: 'ok' } };
  }
}
