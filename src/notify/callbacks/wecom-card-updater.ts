// WeCom's card update: POST /cgi-bin/message/update_template_card?access_token
// {userids, agentid, response_code, button: {replace_name}}
// (https://developer.work.weixin.qq.com/document/path/94888). The response_code comes with the
// click's callback, is valid for 72 hours and works once: the buttons become one grey label.
import type { WeComAppConfig } from '../../config/im';
import { num, requestJson, str } from '../http';
import { TokenCache } from '../token-cache';

export interface WeComCardUpdate {
  userid: string;
  responseCode: string;
  replaceName: string;
}

export interface WeComCardUpdater {
  update(update: WeComCardUpdate): Promise<void>;
}

const TOKEN_ERRORS = new Set([40014, 41001, 42001]);

export function createWeComCardUpdater(
  config: WeComAppConfig,
  options: { timeoutMs?: number } = {},
): WeComCardUpdater {
  const tokens = new TokenCache(async () => {
    const url = new URL('/cgi-bin/gettoken', config.baseUrl);
    url.searchParams.set('corpid', config.corpId);
    url.searchParams.set('corpsecret', config.secret);
    const res = await requestJson('GET', url, { timeoutMs: options.timeoutMs });
    const token = str(res.body.access_token);
    if (num(res.body.errcode) === 0 && token)
      return { ok: true, token, expiresInSeconds: num(res.body.expires_in) ?? 7200 };
    return { ok: false, permanent: false, detail: `WeCom gettoken errcode ${String(res.body.errcode)}` };
  });

  async function update(u: WeComCardUpdate): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await tokens.get();
      if (!token.ok) throw new Error(token.detail);
      const url = new URL('/cgi-bin/message/update_template_card', config.baseUrl);
      url.searchParams.set('access_token', token.token);
      const res = await requestJson('POST', url, {
        timeoutMs: options.timeoutMs,
        body: {
          userids: [u.userid],
          agentid: config.agentId,
          response_code: u.responseCode,
          button: { replace_name: u.replaceName },
        },
      });
      const errcode = num(res.body.errcode);
      if (errcode === 0) return;
      if (errcode !== undefined && TOKEN_ERRORS.has(errcode) && attempt === 0) {
        tokens.invalidate(token.token);
        continue;
      }
      throw new Error(
        `WeCom update_template_card errcode ${String(res.body.errcode)}: ${String(res.body.errmsg)}`,
      );
    }
  }

  return { update };
}
