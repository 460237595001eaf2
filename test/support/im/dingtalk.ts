// A local DingTalk (钉钉) server: gettoken, corpconversation/asyncsend_v2 + getsendresult (work
// notifications) and robot/send (group robots, verifying the 加签 signature exactly as DingTalk:
// HMAC-SHA256 of `${timestamp}\n${secret}`, Base64, timestamp within one hour, errcode 310000
// otherwise; https://open.dingtalk.com/document/orgapp/customize-robot-security-settings).
// Robots allow 20 messages/min (errcode 410100 beyond, as documented).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ImProtocolServer, RateWindow, randomToken, type ReceivedRequest, type Reply } from './server';

export interface DingTalkDelivered {
  kind: 'app' | 'robot';
  to: string;
  msgtype: string;
  body: Record<string, unknown>;
  at: number;
}

export interface DingTalkRobot {
  accessToken: string;
  secret: string;
}

export class DingTalkServer extends ImProtocolServer {
  readonly appKey: string;
  readonly appSecret: string;
  readonly agentId: number;
  readonly members = new Set<string>();
  readonly robots = new Map<string, DingTalkRobot>();
  readonly delivered: DingTalkDelivered[] = [];
  tokenLifetimeSeconds = 7200;
  private readonly tokens = new Map<string, number>();
  private readonly tasks = new Map<number, { invalid: string[]; forbidden: string[] }>();
  private nextTask = 1;
  private readonly robotWindow = new RateWindow([{ windowMs: 60_000, max: 20 }], () => this.now());

  constructor(options: { appKey?: string; appSecret?: string; agentId?: number } = {}) {
    super();
    this.appKey = options.appKey ?? 'ding-local-app';
    this.appSecret = options.appSecret ?? `ding-secret-${randomToken('')}`;
    this.agentId = options.agentId ?? 2000001;
    this.route('GET', '/gettoken', (r) => this.getToken(r));
    this.route('POST', '/topapi/message/corpconversation/asyncsend_v2', (r) => this.asyncSend(r));
    this.route('POST', '/topapi/message/corpconversation/getsendresult', (r) => this.getSendResult(r));
    this.route('POST', '/robot/send', (r) => this.robotSend(r));
  }

  addMember(...ids: string[]): this {
    for (const id of ids) this.members.add(id);
    return this;
  }

  addRobot(robot: DingTalkRobot): this {
    this.robots.set(robot.accessToken, robot);
    return this;
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  tokenRequests(): number {
    return this.requestsTo('/gettoken').length;
  }

  protected getToken(r: ReceivedRequest): Reply {
    if (r.query.appkey !== this.appKey || r.query.appsecret !== this.appSecret)
      return { body: { errcode: 40089, errmsg: '不合法的appKey或appSecret' } };
    const token = randomToken('ding-at-');
    this.tokens.set(token, this.now() + this.tokenLifetimeSeconds * 1000);
    return { body: { errcode: 0, errmsg: 'ok', access_token: token, expires_in: this.tokenLifetimeSeconds } };
  }

  protected tokenError(token: string | undefined): Reply | undefined {
    const expiresAt = token ? this.tokens.get(token) : undefined;
    if (expiresAt === undefined) return { body: { errcode: 40014, errmsg: '不合法的access_token' } };
    if (expiresAt <= this.now()) return { body: { errcode: 42001, errmsg: 'access_token超时' } };
    return undefined;
  }

  protected asyncSend(r: ReceivedRequest): Reply {
    const bad = this.tokenError(r.query.access_token);
    if (bad) return bad;
    const body = (r.body ?? {}) as Record<string, unknown>;
    if (body.agent_id !== this.agentId) return { body: { errcode: 60011, errmsg: '应用不存在或无权限' } };
    const msg = (body.msg ?? {}) as Record<string, unknown>;
    const msgtype = String(msg.msgtype ?? '');
    if (
      !['text', 'markdown', 'action_card', 'oa', 'link'].includes(msgtype) ||
      typeof msg[msgtype] !== 'object'
    )
      return { body: { errcode: 40035, errmsg: '缺少参数 msg' } };
    if (Buffer.byteLength(JSON.stringify(msg)) > 2048)
      return { body: { errcode: 43013, errmsg: '消息体过大' } };
    const users = String(body.userid_list ?? '')
      .split(',')
      .filter(Boolean);
    const invalid = users.filter((u) => !this.members.has(u));
    for (const to of users.filter((u) => this.members.has(u)))
      this.delivered.push({ kind: 'app', to, msgtype, body: msg, at: this.now() });
    const taskId = this.nextTask++;
    this.tasks.set(taskId, { invalid, forbidden: [] });
    return { body: { errcode: 0, errmsg: 'ok', task_id: taskId, request_id: randomToken('req-') } };
  }

  protected getSendResult(r: ReceivedRequest): Reply {
    const bad = this.tokenError(r.query.access_token);
    if (bad) return bad;
    const body = (r.body ?? {}) as Record<string, unknown>;
    const task = this.tasks.get(Number(body.task_id));
    if (!task) return { body: { errcode: 400002, errmsg: '任务不存在' } };
    return {
      body: {
        errcode: 0,
        errmsg: 'ok',
        send_result: {
          invalid_user_id_list: task.invalid,
          forbidden_user_id_list: task.forbidden,
          failed_user_id_list: [],
          read_user_id_list: [],
          unread_user_id_list: [],
          invalid_dept_id_list: [],
        },
      },
    };
  }

  /** DingTalk's own check: the sign for (timestamp, secret), and a timestamp within the hour. */
  static verifySign(
    secret: string,
    timestamp: string | undefined,
    sign: string | undefined,
    now: number,
  ): boolean {
    if (!timestamp || !sign || !/^\d+$/.test(timestamp)) return false;
    if (Math.abs(now - Number(timestamp)) > 3_600_000) return false;
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest();
    const given = Buffer.from(sign, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  protected robotSend(r: ReceivedRequest): Reply {
    const robot = this.robots.get(r.query.access_token ?? '');
    if (!robot) return { body: { errcode: 300001, errmsg: 'token is not exist' } };
    if (!DingTalkServer.verifySign(robot.secret, r.query.timestamp, r.query.sign, this.now()))
      return {
        body: {
          errcode: 310000,
          errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]',
        },
      };
    if (!this.robotWindow.take(robot.accessToken))
      return { body: { errcode: 410100, errmsg: 'send too fast, exceed 20 times per minute' } };
    const body = (r.body ?? {}) as Record<string, unknown>;
    const msgtype = String(body.msgtype ?? '');
    if (!['text', 'markdown', 'actionCard', 'action_card', 'link', 'feedCard'].includes(msgtype))
      return { body: { errcode: 40035, errmsg: '缺少参数 msgtype' } };
    this.delivered.push({ kind: 'robot', to: robot.accessToken, msgtype, body, at: this.now() });
    return { body: { errcode: 0, errmsg: 'ok' } };
  }
}
