// Feishu's delayed card update: POST /open-apis/interactive/v1/card/update with the tenant token
// {token, card} (https://open.feishu.cn/document/ukTMukTMukTM/uMDO1YjLzgTN24yM4UjN), the token
// being the one the click's callback carried (valid 30 minutes, twice). Used when the decision
// took longer than the callback's 3 s answer, which otherwise carries the new card itself.
import type { FeishuAppConfig } from '../../config/im';
import { num, requestJson, str } from '../http';
import { TokenCache } from '../token-cache';

export interface FeishuCardUpdater {
  update(update: { token: string; openId: string; card: Record<string, unknown> }): Promise<void>;
}

const TOKEN_ERRORS = new Set([99991663, 99991668, 99991661]);

export function createFeishuCardUpdater(
  config: FeishuAppConfig,
  options: { timeoutMs?: number } = {},
): FeishuCardUpdater {
  const tokens = new TokenCache(async () => {
    const res = await requestJson(
      'POST',
      new URL('/open-apis/auth/v3/tenant_access_token/internal', config.baseUrl),
      {
        timeoutMs: options.timeoutMs,
        body: { app_id: config.appId, app_secret: config.appSecret },
      },
    );
    const token = str(res.body.tenant_access_token);
    if (num(res.body.code) === 0 && token)
      return { ok: true, token, expiresInSeconds: num(res.body.expire) ?? 7200 };
    return {
      ok: false,
      permanent: false,
      detail: `Feishu tenant_access_token code ${String(res.body.code)}`,
    };
  });

  async function update(u: { token: string; openId: string; card: Record<string, unknown> }): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await tokens.get();
      if (!token.ok) throw new Error(token.detail);
      const res = await requestJson(
        'POST',
        new URL('/open-apis/interactive/v1/card/update', config.baseUrl),
        {
          timeoutMs: options.timeoutMs,
          headers: { authorization: `Bearer ${token.token}` },
          // A card that is not shared: only the clicker's copy changes (open_ids).
          body: { token: u.token, card: { ...u.card, open_ids: [u.openId] } },
        },
      );
      const code = num(res.body.code);
      if (code === 0) return;
      if (code !== undefined && TOKEN_ERRORS.has(code) && attempt === 0) {
        tokens.invalidate(token.token);
        continue;
      }
      throw new Error(`Feishu card update code ${String(res.body.code)}: ${String(res.body.msg)}`);
    }
  }

  return { update };
}
