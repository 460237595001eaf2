// The app access-token handling WeCom, DingTalk and Feishu share: reading a token endpoint's answer
// into a TokenFetch, refusing a send when no token can be had, and calling with a cached token that
// is dropped and fetched once more when the platform calls it invalid or expired.
import type { ChannelRefusal, ChannelSendResult } from '../channel';
import type { TokenCache, TokenFetch } from '../token-cache';

/** A token endpoint's answer: `code` 0 with a token is a token, anything else a refusal. */
export function tokenFetchFrom(answer: {
  /** What the token came from, e.g. 'WeCom gettoken' (starts the refusal's detail). */
  label: string;
  status: number;
  code: number | undefined;
  token: string | undefined;
  expiresInSeconds: number | undefined;
  classify: (code: number) => ChannelRefusal;
}): TokenFetch {
  if (answer.code === 0 && answer.token)
    return { ok: true, token: answer.token, expiresInSeconds: answer.expiresInSeconds ?? 7200 };
  const c = answer.code === undefined ? undefined : answer.classify(answer.code);
  return {
    ok: false,
    permanent: c?.outcome === 'permanent',
    detail: `${answer.label}: ${c ? c.detail : `HTTP ${answer.status}`}`,
  };
}

/** The send result when no token could be had: bad credentials for good, anything else retried. */
export function tokenRefusal(token: { permanent: boolean; detail: string }): ChannelSendResult {
  return token.permanent
    ? { outcome: 'permanent', code: 'bad_credentials', detail: token.detail }
    : { outcome: 'transient', detail: token.detail };
}

/**
 * Calls with a cached token; when the call says the token is stale, the token is dropped and the
 * call made once more with a fresh one. `noToken` turns a token refusal into the call's value.
 */
export async function callWithAppToken<T>(
  tokens: TokenCache,
  call: (token: string) => Promise<{ value: T; stale?: boolean }>,
  noToken: (refusal: ChannelSendResult) => T,
): Promise<T> {
  const attempt = async (): Promise<{ value: T; stale?: boolean }> => {
    const token = await tokens.get();
    if (!token.ok) return { value: noToken(tokenRefusal(token)) };
    const answer = await call(token.token);
    if (answer.stale) tokens.invalidate(token.token);
    return answer;
  };
  const first = await attempt();
  return first.stale ? (await attempt()).value : first.value;
}
