// DingTalk (钉钉) work notifications and group robots.
//
// App: GET /gettoken?appkey&appsecret -> {errcode, access_token, expires_in}
//   (https://open.dingtalk.com/document/orgapp/obtain-orgapp-token), then
//   POST /topapi/message/corpconversation/asyncsend_v2?access_token {agent_id, userid_list, msg}
//   -> {errcode, task_id} (https://open.dingtalk.com/document/orgapp/asynchronous-sending-of-enterprise-session-messages).
//   The send is asynchronous: an unknown member is reported afterwards by
//   POST /topapi/message/corpconversation/getsendresult {agent_id, task_id}
//   -> {send_result: {invalid_user_id_list, forbidden_user_id_list, ...}}; forbidden means
//   throttled by DingTalk's per-member limits (a transient refusal).
// Robot: POST /robot/send?access_token&timestamp&sign {msgtype, markdown, at}
//   (https://open.dingtalk.com/document/orgapp/custom-robot-access, signing: ./sign.ts);
//   20 messages/min per robot, then errcode 410100 and a 10-minute block
//   (https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages).
// Error codes: https://open.dingtalk.com/document/orgapp/server-api-error-codes-1
import type { DingTalkAppConfig, RobotConfig } from '../../config/im';
import type { ChannelClient, ChannelMessage, ChannelRefusal, ChannelSendResult } from '../channel';
import { num, requestJson, str } from '../http';
import { TokenCache } from '../token-cache';
import { callWithAppToken, tokenFetchFrom } from './app-token';
import { appSend, robotSend } from './targets';
import { dingTalkRobotSign } from './sign';
import { httpTransient, markdownOf, truncateBytes } from './common';

const TOKEN_ERRORS = new Set([40014, 41001, 42001, 88]);

export function classifyDingTalk(errcode: number, errmsg: string): ChannelRefusal {
  const detail = `DingTalk errcode ${errcode}: ${errmsg}`.slice(0, 500);
  if (errcode === -1 || errcode === 90018 || errcode === 410100 || errcode === 143106)
    return { outcome: 'transient', detail, retryAfterMs: errcode === -1 ? 1_000 : 60_000 };
  if ([33012, 60121, 400002].includes(errcode))
    return { outcome: 'permanent', code: 'unknown_recipient', detail };
  // 310000: the robot's security check failed (signature, timestamp, keywords or IP).
  if ([40089, 40096, 40078, 310000, 43009].includes(errcode))
    return { outcome: 'permanent', code: 'bad_credentials', detail };
  // 300001: the robot's access token does not exist (robot removed); 40035/42010 app gone.
  if ([300001, 300005, 71006, 60011, 42010].includes(errcode))
    return { outcome: 'permanent', code: 'app_revoked', detail };
  if ([40035, 43013, 400013, 460101].includes(errcode))
    return { outcome: 'permanent', code: 'bad_payload', detail };
  return { outcome: 'transient', detail };
}

/** asyncsend_v2's msg is at most 2048 bytes; robot markdown allows more (20,000 bytes). */
const APP_MSG_BYTES = 1900;
const ROBOT_MARKDOWN_BYTES = 18_000;

export function dingTalkMsg(
  message: ChannelMessage,
  maxBytes: number,
  mention: string[] = [],
): Record<string, unknown> {
  const p = message.payload;
  if (p.type === 'card') return { msgtype: 'action_card', action_card: p.card };
  if (p.type === 'text') return { msgtype: 'text', text: { content: truncateBytes(p.text, maxBytes) } };
  const { title, markdown } = markdownOf(p);
  const at = mention.map((id) => `@${id}`).join(' ');
  return {
    msgtype: 'markdown',
    markdown: {
      title: truncateBytes(title, 120),
      text: truncateBytes(`#### ${title}\n${markdown}${at ? `\n${at}` : ''}`, maxBytes),
    },
  };
}

export function createDingTalkAppClient(
  config: DingTalkAppConfig,
  options: { timeoutMs?: number } = {},
): ChannelClient & { tokens: TokenCache } {
  const tokens = new TokenCache(async () => {
    const url = new URL('/gettoken', config.baseUrl);
    url.searchParams.set('appkey', config.appKey);
    url.searchParams.set('appsecret', config.appSecret);
    const res = await requestJson('GET', url, { timeoutMs: options.timeoutMs });
    return tokenFetchFrom({
      label: 'DingTalk gettoken',
      status: res.status,
      code: num(res.body.errcode),
      token: str(res.body.access_token),
      expiresInSeconds: num(res.body.expires_in),
      classify: (errcode) => classifyDingTalk(errcode, str(res.body.errmsg) ?? ''),
    });
  });

  type Answer = { body: Record<string, unknown>; result?: ChannelSendResult };

  async function call(
    token: string,
    path: string,
    body: unknown,
  ): Promise<{ value: Answer; stale?: boolean }> {
    const url = new URL(path, config.baseUrl);
    url.searchParams.set('access_token', token);
    const res = await requestJson('POST', url, { body, timeoutMs: options.timeoutMs });
    const errcode = num(res.body.errcode);
    if (errcode === undefined)
      return {
        value: {
          body: res.body,
          result: httpTransient(res.status, `DingTalk ${path}`) ?? {
            outcome: 'transient',
            detail: `DingTalk ${path}: HTTP ${res.status}`,
          },
        },
      };
    if (TOKEN_ERRORS.has(errcode))
      return {
        value: { body: res.body, result: classifyDingTalk(errcode, str(res.body.errmsg) ?? '') },
        stale: true,
      };
    if (errcode !== 0)
      return { value: { body: res.body, result: classifyDingTalk(errcode, str(res.body.errmsg) ?? '') } };
    return { value: { body: res.body } };
  }

  function callWithRefresh(path: string, body: unknown): Promise<Answer> {
    return callWithAppToken(
      tokens,
      (token) => call(token, path, body),
      (result) => ({ body: {}, result }),
    );
  }

  return {
    channel: 'dingtalk_app',
    tokens,
    send: appSend('dingtalk_app', async (message, userId) => {
      const sent = await callWithRefresh('/topapi/message/corpconversation/asyncsend_v2', {
        agent_id: config.agentId,
        userid_list: userId,
        msg: dingTalkMsg(message, APP_MSG_BYTES),
      });
      if (sent.result) return sent.result;
      const taskId = num(sent.body.task_id);
      if (taskId === undefined) return { outcome: 'sent', platformMessageId: null };
      // The task was accepted: whether it reached the member is known from its send result.
      const result = await callWithRefresh('/topapi/message/corpconversation/getsendresult', {
        agent_id: config.agentId,
        task_id: taskId,
      });
      const r = (result.body.send_result ?? {}) as Record<string, unknown>;
      const listed = (key: string) => (Array.isArray(r[key]) ? (r[key] as unknown[]).map(String) : []);
      if (listed('invalid_user_id_list').includes(userId))
        return {
          outcome: 'permanent',
          code: 'unknown_recipient',
          detail: `DingTalk invalid_user_id_list: ${userId}`,
        };
      if (listed('forbidden_user_id_list').includes(userId)) {
        // Throttled by DingTalk (per-member daily limit or identical content): not delivered.
        return {
          outcome: 'transient',
          detail: `DingTalk forbidden_user_id_list: ${userId}`,
          retryAfterMs: 60 * 60_000,
        };
      }
      return { outcome: 'sent', platformMessageId: String(taskId) };
    }),
  };
}

export function createDingTalkRobotClient(
  robots: Readonly<Record<string, RobotConfig>>,
  options: { timeoutMs?: number; now?: () => number } = {},
): ChannelClient {
  const now = options.now ?? Date.now;
  return {
    channel: 'dingtalk_robot',
    send: robotSend('dingtalk_robot', 'DingTalk', robots, async (message, robot, mention) => {
      const timestamp = now();
      const url = new URL('/robot/send', robot.baseUrl);
      url.searchParams.set('access_token', robot.accessToken);
      url.searchParams.set('timestamp', String(timestamp));
      url.searchParams.set('sign', dingTalkRobotSign(robot.secret, timestamp));
      const body = {
        ...dingTalkMsg(message, ROBOT_MARKDOWN_BYTES, mention),
        at: { atUserIds: mention, isAtAll: false },
      };
      const res = await requestJson('POST', url, { body, timeoutMs: options.timeoutMs });
      const errcode = num(res.body.errcode);
      if (errcode === undefined)
        return (
          httpTransient(res.status, 'DingTalk robot/send') ?? {
            outcome: 'transient',
            detail: `DingTalk robot/send: HTTP ${res.status}`,
          }
        );
      if (errcode === 0) return { outcome: 'sent', platformMessageId: null };
      return classifyDingTalk(errcode, str(res.body.errmsg) ?? '');
    }),
  };
}
