// Feishu (飞书) app messages and group robots.
//
// App: POST /open-apis/auth/v3/tenant_access_token/internal {app_id, app_secret}
//   -> {code, tenant_access_token, expire} (https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal),
//   then POST /open-apis/im/v1/messages?receive_id_type=open_id with Authorization: Bearer
//   {receive_id, msg_type, content (a JSON string), uuid} -> {code, msg, data: {message_id}}
//   (https://open.feishu.cn/document/server-docs/im-v1/message/create). `uuid` makes Feishu drop a
//   repeat of the same request within an hour. Limits: 5 QPS per user (230020 / 11232 when exceeded).
//   Errors: 230013 the user is outside the app's availability, 230006 bot ability off,
//   99991663/99991668 token invalid, 99991672/99991679 permission missing.
// Robot: POST /open-apis/bot/v2/hook/<hook id> {timestamp, sign, msg_type, card|content}
//   -> {code, msg} (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot):
//   19021 signature mismatch, 19024 keyword check, 11232 frequency limited (100/min, 5/s).
import type { FeishuAppConfig, RobotConfig } from '../../config/im';
import type { ChannelClient, ChannelMessage, ChannelRefusal, ChannelSendResult } from '../channel';
import { num, requestJson, str } from '../http';
import { TokenCache } from '../token-cache';
import { callWithAppToken, tokenFetchFrom } from './app-token';
import { appSend, robotSend } from './targets';
import { feishuRobotSign } from './sign';
import { httpTransient, markdownOf, truncateBytes } from './common';

const TOKEN_ERRORS = new Set([99991661, 99991663, 99991668, 99991677]);

export function classifyFeishu(code: number, msg: string): ChannelRefusal {
  const detail = `Feishu code ${code}: ${msg}`.slice(0, 500);
  if ([230020, 11232, 99991400, 11233, 1500].includes(code))
    return { outcome: 'transient', detail, retryAfterMs: 1_000 };
  if ([230013, 99992361, 99992364, 230002].includes(code))
    return { outcome: 'permanent', code: 'unknown_recipient', detail };
  if ([10003, 10014, 19021, 19024, 19022].includes(code))
    return { outcome: 'permanent', code: 'bad_credentials', detail };
  if ([230006, 99991672, 99991679, 230027, 19001, 19002].includes(code))
    return { outcome: 'permanent', code: 'app_revoked', detail };
  if ([230001, 230025, 9499, 230099].includes(code))
    return { outcome: 'permanent', code: 'bad_payload', detail };
  return { outcome: 'transient', detail };
}

/** A markdown payload as a Feishu interactive card: header + one markdown element (+ a link button). */
export function feishuCard(message: ChannelMessage, mention: string[] = []): Record<string, unknown> {
  const p = message.payload;
  if (p.type === 'card') return p.card;
  const { title, markdown } = markdownOf(p);
  const at = mention.map((id) => `<at id=${id}></at>`).join(' ');
  const elements: unknown[] = [
    { tag: 'markdown', content: truncateBytes(`${markdown}${at ? `\n${at}` : ''}`, 25_000) },
  ];
  return {
    config: { wide_screen_mode: true },
    header: { title: { tag: 'plain_text', content: truncateBytes(title, 200) }, template: 'blue' },
    elements,
  };
}

export function createFeishuAppClient(
  config: FeishuAppConfig,
  options: { timeoutMs?: number } = {},
): ChannelClient & { tokens: TokenCache } {
  const tokens = new TokenCache(async () => {
    const res = await requestJson(
      'POST',
      new URL('/open-apis/auth/v3/tenant_access_token/internal', config.baseUrl),
      {
        body: { app_id: config.appId, app_secret: config.appSecret },
        timeoutMs: options.timeoutMs,
      },
    );
    return tokenFetchFrom({
      label: 'Feishu tenant_access_token',
      status: res.status,
      code: num(res.body.code),
      token: str(res.body.tenant_access_token),
      expiresInSeconds: num(res.body.expire),
      classify: (code) => classifyFeishu(code, str(res.body.msg) ?? ''),
    });
  });

  async function sendOnce(
    token: string,
    message: ChannelMessage,
    openId: string,
  ): Promise<{ value: ChannelSendResult; stale?: boolean }> {
    const url = new URL('/open-apis/im/v1/messages', config.baseUrl);
    url.searchParams.set('receive_id_type', 'open_id');
    const p = message.payload;
    const body =
      p.type === 'text'
        ? {
            receive_id: openId,
            msg_type: 'text',
            content: JSON.stringify({ text: truncateBytes(p.text, 25_000) }),
          }
        : { receive_id: openId, msg_type: 'interactive', content: JSON.stringify(feishuCard(message)) };
    // uuid: at most 50 characters; the post id is a UUID (36).
    const res = await requestJson('POST', url, {
      body: { ...body, uuid: message.idempotencyKey.slice(0, 50) },
      headers: { authorization: `Bearer ${token}` },
      timeoutMs: options.timeoutMs,
    });
    const code = num(res.body.code);
    if (code === undefined)
      return {
        value: httpTransient(res.status, 'Feishu im/v1/messages') ?? {
          outcome: 'transient',
          detail: `Feishu im/v1/messages: HTTP ${res.status}`,
        },
      };
    if (TOKEN_ERRORS.has(code)) return { value: classifyFeishu(code, str(res.body.msg) ?? ''), stale: true };
    if (code !== 0) return { value: classifyFeishu(code, str(res.body.msg) ?? '') };
    const data = (res.body.data ?? {}) as Record<string, unknown>;
    return { value: { outcome: 'sent', platformMessageId: str(data.message_id) ?? null } };
  }

  return {
    channel: 'feishu_app',
    tokens,
    send: appSend('feishu_app', async (message, openId) => {
      return callWithAppToken(
        tokens,
        (token) => sendOnce(token, message, openId),
        (refusal) => refusal,
      );
    }),
  };
}

export function createFeishuRobotClient(
  robots: Readonly<Record<string, RobotConfig>>,
  options: { timeoutMs?: number; now?: () => number } = {},
): ChannelClient {
  const now = options.now ?? Date.now;
  return {
    channel: 'feishu_robot',
    send: robotSend('feishu_robot', 'Feishu', robots, async (message, robot, mention) => {
      const timestamp = Math.floor(now() / 1000);
      const p = message.payload;
      const content =
        p.type === 'text'
          ? { msg_type: 'text', content: { text: p.text } }
          : { msg_type: 'interactive', card: feishuCard(message, mention) };
      const res = await requestJson(
        'POST',
        new URL(`/open-apis/bot/v2/hook/${encodeURIComponent(robot.hookId)}`, robot.baseUrl),
        {
          body: {
            timestamp: String(timestamp),
            sign: feishuRobotSign(robot.secret, timestamp),
            ...content,
          },
          timeoutMs: options.timeoutMs,
        },
      );
      // Older robots answer {StatusCode, StatusMessage}; current ones {code, msg}.
      const code = num(res.body.code) ?? num(res.body.StatusCode);
      if (code === undefined)
        return (
          httpTransient(res.status, 'Feishu bot hook') ?? {
            outcome: 'transient',
            detail: `Feishu bot hook: HTTP ${res.status}`,
          }
        );
      if (code === 0) return { outcome: 'sent', platformMessageId: null };
      return classifyFeishu(code, str(res.body.msg) ?? str(res.body.StatusMessage) ?? '');
    }),
  };
}
