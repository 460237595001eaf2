// A local Feishu (飞书) server: tenant_access_token/internal, im/v1/messages (app messages, with
// the `uuid` de-duplication Feishu documents) and bot/v2/hook/<id> (custom robots, verifying the
// signature as Feishu does: HMAC-SHA256 keyed with `${timestamp}\n${secret}` over an empty
// string, Base64, timestamp in seconds within one hour; code 19021 otherwise). Custom robots allow
// 100 messages/min and 5/s (code 11232 beyond); app messages 5 QPS per user (230020).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ImProtocolServer, RateWindow, randomToken, type ReceivedRequest, type Reply } from './server';

export interface FeishuDelivered {
  kind: 'app' | 'robot';
  to: string;
  msgType: string;
  content: unknown;
  at: number;
}

export interface FeishuRobot {
  hookId: string;
  secret: string;
}

export class FeishuServer extends ImProtocolServer {
  readonly appId: string;
  readonly appSecret: string;
  readonly users = new Set<string>();
  readonly robots = new Map<string, FeishuRobot>();
  readonly delivered: FeishuDelivered[] = [];
  tokenLifetimeSeconds = 7200;
  botEnabled = true;
  private readonly tokens = new Map<string, number>();
  private readonly uuids = new Map<string, string>();
  private readonly userWindow = new RateWindow([{ windowMs: 1_000, max: 5 }], () => this.now());
  private readonly robotWindow = new RateWindow(
    [
      { windowMs: 1_000, max: 5 },
      { windowMs: 60_000, max: 100 },
    ],
    () => this.now(),
  );

  constructor(options: { appId?: string; appSecret?: string } = {}) {
    super();
    this.appId = options.appId ?? 'cli_local_app';
    this.appSecret = options.appSecret ?? `feishu-secret-${randomToken('')}`;
    this.route('POST', '/open-apis/auth/v3/tenant_access_token/internal', (r) => this.tenantToken(r));
    this.route('POST', '/open-apis/im/v1/messages', (r) => this.createMessage(r));
    this.routePrefix('POST', '/open-apis/bot/v2/hook/', (r) => this.hook(r));
  }

  addUser(...openIds: string[]): this {
    for (const id of openIds) this.users.add(id);
    return this;
  }

  addRobot(robot: FeishuRobot): this {
    this.robots.set(robot.hookId, robot);
    return this;
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  tokenRequests(): number {
    return this.requestsTo('/open-apis/auth/v3/tenant_access_token/internal').length;
  }

  protected tenantToken(r: ReceivedRequest): Reply {
    const body = (r.body ?? {}) as Record<string, unknown>;
    if (body.app_id !== this.appId) return { status: 400, body: { code: 10003, msg: 'invalid param' } };
    if (body.app_secret !== this.appSecret)
      return { status: 400, body: { code: 10014, msg: 'app secret invalid' } };
    const token = randomToken('t-');
    this.tokens.set(token, this.now() + this.tokenLifetimeSeconds * 1000);
    return { body: { code: 0, msg: 'ok', tenant_access_token: token, expire: this.tokenLifetimeSeconds } };
  }

  protected createMessage(r: ReceivedRequest): Reply {
    const auth = String(r.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined || expiresAt <= this.now())
      return {
        status: 400,
        body: {
          code: 99991663,
          msg: 'Invalid access token for authorization. Please make a request with token attached.',
        },
      };
    if (!this.botEnabled)
      return { status: 400, body: { code: 230006, msg: 'Bot ability is not activated.' } };
    if (r.query.receive_id_type !== 'open_id')
      return { status: 400, body: { code: 230001, msg: 'invalid receive_id_type' } };
    const body = (r.body ?? {}) as Record<string, unknown>;
    const to = String(body.receive_id ?? '');
    if (!this.users.has(to))
      return { status: 400, body: { code: 230013, msg: 'Bot has NO availability to this user.' } };
    const msgType = String(body.msg_type ?? '');
    let content: unknown;
    try {
      content = JSON.parse(String(body.content));
    } catch {
      return { status: 400, body: { code: 230001, msg: 'content is not a JSON string' } };
    }
    const uuid = typeof body.uuid === 'string' ? body.uuid : undefined;
    if (uuid && this.uuids.has(uuid))
      return { body: { code: 0, msg: 'success', data: { message_id: this.uuids.get(uuid) } } };
    if (!this.userWindow.take(to))
      return { status: 400, body: { code: 230020, msg: 'This operation triggers the frequency limit.' } };
    const messageId = randomToken('om_');
    if (uuid) this.uuids.set(uuid, messageId);
    this.delivered.push({ kind: 'app', to, msgType, content, at: this.now() });
    return { body: { code: 0, msg: 'success', data: { message_id: messageId, msg_type: msgType } } };
  }

  static verifySign(secret: string, timestamp: unknown, sign: unknown, nowMs: number): boolean {
    if (typeof timestamp !== 'string' || typeof sign !== 'string' || !/^\d+$/.test(timestamp)) return false;
    if (Math.abs(nowMs / 1000 - Number(timestamp)) > 3600) return false;
    const expected = createHmac('sha256', `${timestamp}\n${secret}`).update('').digest();
    const given = Buffer.from(sign, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  protected hook(r: ReceivedRequest): Reply {
    const hookId = decodeURIComponent(r.path.slice('/open-apis/bot/v2/hook/'.length));
    const robot = this.robots.get(hookId);
    if (!robot) return { body: { code: 19001, msg: 'param invalid: incoming webhook access token invalid' } };
    const body = (r.body ?? {}) as Record<string, unknown>;
    if (!FeishuServer.verifySign(robot.secret, body.timestamp, body.sign, this.now()))
      return {
        body: { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' },
      };
    if (!this.robotWindow.take(hookId)) return { body: { code: 11232, msg: 'frequency limited' } };
    const msgType = String(body.msg_type ?? '');
    if (!['text', 'post', 'interactive', 'image', 'share_chat'].includes(msgType))
      return { body: { code: 9499, msg: 'Bad Request' } };
    this.delivered.push({
      kind: 'robot',
      to: hookId,
      msgType,
      content: body.card ?? body.content,
      at: this.now(),
    });
    return { body: { code: 0, msg: 'success', data: {} } };
  }
}
