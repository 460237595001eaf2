// Chat callback secrets (issue 13): what proves that a card click really comes from the platform.
// WeCom: the callback Token and EncodingAESKey of the app's "接收消息" settings (the corp id is
// WECOM_CORP_ID). Feishu: the Verification Token and Encrypt Key of "事件与回调 > 加密策略"; both
// are required, since without an Encrypt Key Feishu neither signs nor encrypts. DingTalk's work
// notifications carry link buttons (the signed email links), so DingTalk needs no callback secret.
// Each pair is all-or-nothing, refused at start naming the variable; no default; never logged
// (non-enumerable, as src/config/im.ts does). The morning digest's schedule lives here too.
import { ImConfigIssue } from './im';

export interface ChatCallbacksConfig {
  wecom: { token: string; encodingAesKey: string } | undefined;
  feishu: { verificationToken: string; encryptKey: string } | undefined;
  /** A callback whose signed timestamp is further than this from our clock is refused (CALLBACK_STALE). */
  maxAgeSeconds: number;
}

export interface DigestConfig {
  /** Cron in `timezone`, default '30 8 * * *' (08:30 every day; the workflow skips non-working days). */
  cron: string;
  timezone: string;
}

export type ChatCallbacksEnv = Partial<
  Record<
    | 'WECOM_CALLBACK_TOKEN'
    | 'WECOM_CALLBACK_AES_KEY'
    | 'WECOM_CORP_ID'
    | 'FEISHU_VERIFICATION_TOKEN'
    | 'FEISHU_ENCRYPT_KEY'
    | 'FEISHU_APP_ID'
    | 'CHAT_CALLBACK_MAX_AGE_SECONDS'
    | 'DIGEST_CRON'
    | 'DIGEST_TIMEZONE',
    string
  >
>;

function hide<T extends object>(value: T, ...keys: (keyof T)[]): T {
  for (const key of keys) Object.defineProperty(value, key, { value: value[key], enumerable: false });
  return value;
}

function pair<A extends keyof ChatCallbacksEnv, B extends keyof ChatCallbacksEnv>(
  env: ChatCallbacksEnv,
  a: A,
  b: B,
  requires: keyof ChatCallbacksEnv,
): [string, string] | undefined {
  if (env[a] === undefined && env[b] === undefined) return undefined;
  if (env[a] === undefined)
    throw new ImConfigIssue(a, `is required with ${b} (no default for callback secrets)`);
  if (env[b] === undefined)
    throw new ImConfigIssue(b, `is required with ${a} (no default for callback secrets)`);
  if (env[requires] === undefined) throw new ImConfigIssue(requires, `is required with ${a}`);
  return [env[a]!, env[b]!];
}

export function parseChatCallbacksConfig(env: ChatCallbacksEnv): ChatCallbacksConfig {
  const w = pair(env, 'WECOM_CALLBACK_TOKEN', 'WECOM_CALLBACK_AES_KEY', 'WECOM_CORP_ID');
  if (w && !/^[A-Za-z0-9]{3,32}$/.test(w[0]))
    throw new ImConfigIssue('WECOM_CALLBACK_TOKEN', 'must be 3-32 letters or digits (as WeCom generates it)');
  if (w && !/^[A-Za-z0-9]{43}$/.test(w[1]))
    throw new ImConfigIssue('WECOM_CALLBACK_AES_KEY', 'must be the 43-character EncodingAESKey');
  const f = pair(env, 'FEISHU_VERIFICATION_TOKEN', 'FEISHU_ENCRYPT_KEY', 'FEISHU_APP_ID');
  if (f && f[0].length < 8)
    throw new ImConfigIssue('FEISHU_VERIFICATION_TOKEN', 'must be at least 8 characters');
  if (f && f[1].length < 8) throw new ImConfigIssue('FEISHU_ENCRYPT_KEY', 'must be at least 8 characters');
  const maxAge = env.CHAT_CALLBACK_MAX_AGE_SECONDS ?? '300';
  if (!/^\d{1,5}$/.test(maxAge) || Number(maxAge) < 10)
    throw new ImConfigIssue(
      'CHAT_CALLBACK_MAX_AGE_SECONDS',
      'must be a whole number of seconds, at least 10',
    );
  return {
    wecom: w && hide({ token: w[0], encodingAesKey: w[1] }, 'token', 'encodingAesKey'),
    feishu: f && hide({ verificationToken: f[0], encryptKey: f[1] }, 'verificationToken', 'encryptKey'),
    maxAgeSeconds: Number(maxAge),
  };
}

export function parseDigestConfig(env: ChatCallbacksEnv): DigestConfig {
  const cron = env.DIGEST_CRON ?? '30 8 * * *';
  if (cron.trim().split(/\s+/).length !== 5)
    throw new ImConfigIssue('DIGEST_CRON', 'must be a 5-field cron expression, e.g. "30 8 * * *"');
  const timezone = env.DIGEST_TIMEZONE ?? 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new ImConfigIssue('DIGEST_TIMEZONE', 'must be an IANA time zone, e.g. Asia/Shanghai');
  }
  return { cron, timezone };
}
