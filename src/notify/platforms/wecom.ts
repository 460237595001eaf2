// WeCom (企业微信) app messages and group robots.
//
// App: GET /cgi-bin/gettoken?corpid&corpsecret -> {errcode, access_token, expires_in}
//   (https://developer.work.weixin.qq.com/document/path/91039), then
//   POST /cgi-bin/message/send?access_token -> {errcode, errmsg, invaliduser, msgid}
//   (https://developer.work.weixin.qq.com/document/path/90236). A member the app cannot reach is
//   reported in `invaliduser` with errcode 0, or as errcode 81013 when every recipient is invalid.
//   enable_duplicate_check makes WeCom itself drop an identical request within the interval, a
//   second guard behind our ChannelDelivery rows. Limits: 30 messages/min and 1,000/hour to one
//   member (beyond that WeCom drops them, errcode 45033/45009), enforced on our side by the budget.
// Robot: POST /cgi-bin/webhook/send?key -> {errcode, errmsg}
//   (https://developer.work.weixin.qq.com/document/path/91770): 20 messages/min per robot
//   (errcode 45009), 93000 for a removed robot (invalid webhook key).
// Global error codes: https://developer.work.weixin.qq.com/document/path/90313
import type { WeComAppConfig, RobotConfig } from '../../config/im';
import type { ChannelClient, ChannelMessage, ChannelRefusal, ChannelSendResult } from '../channel';
import { num, requestJson, str } from '../http';
import { TokenCache } from '../token-cache';
import { callWithAppToken, tokenFetchFrom } from './app-token';
import { appSend, robotSend } from './targets';
import { httpTransient, markdownOf, truncateBytes } from './common';

/** errcodes meaning "this access_token is no good": fetch a new one and try once more. */
const TOKEN_ERRORS = new Set([40014, 41001, 42001]);

export function classifyWeCom(errcode: number, errmsg: string): ChannelRefusal {
  const detail = `WeCom errcode ${errcode}: ${errmsg}`.slice(0, 500);
  if (errcode === -1 || errcode === 45009 || errcode === 45033 || errcode === 45011)
    return { outcome: 'transient', detail, retryAfterMs: errcode === -1 ? 1_000 : 60_000 };
  if ([81013, 82001, 60111, 60103].includes(errcode))
    return { outcome: 'permanent', code: 'unknown_recipient', detail };
  if ([40001, 40013, 40056, 40091, 40082].includes(errcode))
    return { outcome: 'permanent', code: 'bad_credentials', detail };
  if ([60020, 60011, 48002, 301002, 93000, 93008].includes(errcode))
    return { outcome: 'permanent', code: 'app_revoked', detail };
  if ([40008, 44004, 45002, 40058, 40035].includes(errcode))
    return { outcome: 'permanent', code: 'bad_payload', detail };
  // Unknown codes are retried (with backoff) rather than dropped for good.
  return { outcome: 'transient', detail };
}

/** WeCom app markdown: at most 2048 bytes; the robot's markdown at most 4096. */
const APP_MARKDOWN_BYTES = 2048;
const ROBOT_MARKDOWN_BYTES = 4096;

export function weComAppBody(
  agentId: number,
  touser: string,
  message: ChannelMessage,
): Record<string, unknown> {
  const base = { touser, agentid: agentId, enable_duplicate_check: 1, duplicate_check_interval: 1800 };
  const p = message.payload;
  if (p.type === 'card') return { ...base, msgtype: 'template_card', template_card: p.card };
  if (p.type === 'text') return { ...base, msgtype: 'text', text: { content: truncateBytes(p.text, 2048) } };
  const { title, markdown } = markdownOf(p);
  return {
    ...base,
    msgtype: 'markdown',
    markdown: { content: truncateBytes(`**${title}**\n${markdown}`, APP_MARKDOWN_BYTES) },
  };
}

export function createWeComAppClient(
  config: WeComAppConfig,
  options: { timeoutMs?: number } = {},
): ChannelClient & { tokens: TokenCache } {
  const tokens = new TokenCache(async () => {
    const url = new URL('/cgi-bin/gettoken', config.baseUrl);
    url.searchParams.set('corpid', config.corpId);
    url.searchParams.set('corpsecret', config.secret);
    const res = await requestJson('GET', url, { timeoutMs: options.timeoutMs });
    return tokenFetchFrom({
      label: 'WeCom gettoken',
      status: res.status,
      code: num(res.body.errcode),
      token: str(res.body.access_token),
      expiresInSeconds: num(res.body.expires_in),
      classify: (errcode) => classifyWeCom(errcode, str(res.body.errmsg) ?? ''),
    });
  });

  async function sendOnce(
    token: string,
    message: ChannelMessage,
    touser: string,
  ): Promise<{ value: ChannelSendResult; stale?: boolean }> {
    const url = new URL('/cgi-bin/message/send', config.baseUrl);
    url.searchParams.set('access_token', token);
    const res = await requestJson('POST', url, {
      body: weComAppBody(config.agentId, touser, message),
      timeoutMs: options.timeoutMs,
    });
    const errcode = num(res.body.errcode);
    if (errcode === undefined)
      return {
        value: httpTransient(res.status, 'WeCom message/send') ?? {
          outcome: 'transient',
          detail: `WeCom message/send: HTTP ${res.status} without errcode`,
        },
      };
    if (TOKEN_ERRORS.has(errcode))
      return { value: classifyWeCom(errcode, str(res.body.errmsg) ?? ''), stale: true };
    if (errcode !== 0) return { value: classifyWeCom(errcode, str(res.body.errmsg) ?? '') };
    // errcode 0 can still mean "not to this member": invaliduser lists ids the app cannot reach.
    const invalid = (str(res.body.invaliduser) ?? '').split('|').map((s) => s.trim().toLowerCase());
    if (invalid.includes(touser.toLowerCase()))
      return {
        value: { outcome: 'permanent', code: 'unknown_recipient', detail: `WeCom invaliduser: ${touser}` },
      };
    return { value: { outcome: 'sent', platformMessageId: str(res.body.msgid) ?? null } };
  }

  return {
    channel: 'wecom_app',
    tokens,
    send: appSend('wecom_app', async (message, touser) => {
      // An expired or revoked token: once more with a fresh one.
      return callWithAppToken(
        tokens,
        (token) => sendOnce(token, message, touser),
        (refusal) => refusal,
      );
    }),
  };
}

export function weComRobotBody(message: ChannelMessage): Record<string, unknown> {
  const p = message.payload;
  const mention = message.target.kind === 'robot' ? (message.target.mention ?? []) : [];
  if (p.type === 'card') return { msgtype: 'template_card', template_card: p.card };
  if (p.type === 'text')
    return { msgtype: 'text', text: { content: truncateBytes(p.text, 2048), mentioned_list: mention } };
  const { title, markdown } = markdownOf(p);
  const at = mention.map((id) => `<@${id}>`).join(' ');
  return {
    msgtype: 'markdown',
    markdown: {
      content: truncateBytes(`**${title}**\n${markdown}${at ? `\n${at}` : ''}`, ROBOT_MARKDOWN_BYTES),
    },
  };
}

export function createWeComRobotClient(
  robots: Readonly<Record<string, RobotConfig>>,
  options: { timeoutMs?: number } = {},
): ChannelClient {
  return {
    channel: 'wecom_robot',
    send: robotSend('wecom_robot', 'WeCom', robots, async (message, robot) => {
      const url = new URL('/cgi-bin/webhook/send', robot.baseUrl);
      url.searchParams.set('key', robot.key);
      const res = await requestJson('POST', url, {
        body: weComRobotBody(message),
        timeoutMs: options.timeoutMs,
      });
      const errcode = num(res.body.errcode);
      if (errcode === undefined)
        return (
          httpTransient(res.status, 'WeCom webhook/send') ?? {
            outcome: 'transient',
            detail: `WeCom webhook/send: HTTP ${res.status}`,
          }
        );
      if (errcode === 0) return { outcome: 'sent', platformMessageId: null };
      return classifyWeCom(errcode, str(res.body.errmsg) ?? '');
    }),
  };
}
