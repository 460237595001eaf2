// Callback secrets and the digest schedule from configuration: all-or-nothing pairs, shapes
// checked at start with the variable named (never the value), no defaults, hidden from logs.
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '../../src/config';
import { parseChatCallbacksConfig, parseDigestConfig } from '../../src/config/chat-callbacks';

const base = { NODE_ENV: 'test', DEMO_SEED: 'false' } as const;
const aesKey = 'a'.repeat(43);
const wecomApp = {
  WECOM_CORP_ID: 'ww-corp',
  WECOM_AGENT_ID: '1000002',
  WECOM_APP_SECRET: 'wecom-app-secret-1',
};

function refusal(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('accepted');
}

describe('chat callback configuration', () => {
  it('has no callbacks and the 08:30 Shanghai digest by default', () => {
    const config = loadConfig({ ...base });
    expect(config.chatCallbacks).toEqual({ wecom: undefined, feishu: undefined, maxAgeSeconds: 300 });
    expect(config.digest).toEqual({ cron: '30 8 * * *', timezone: 'Asia/Shanghai' });
  });

  it('refuses half a pair, a bad shape or a missing app, naming the variable and not the value', () => {
    expect(refusal({ ...wecomApp, WECOM_CALLBACK_TOKEN: 'tok123' })).toMatch(
      /^WECOM_CALLBACK_AES_KEY: is required/,
    );
    expect(refusal({ ...wecomApp, WECOM_CALLBACK_AES_KEY: aesKey })).toMatch(
      /^WECOM_CALLBACK_TOKEN: is required/,
    );
    const short = refusal({
      ...wecomApp,
      WECOM_CALLBACK_TOKEN: 'tok123',
      WECOM_CALLBACK_AES_KEY: 'secretvalue42',
    });
    expect(short).toMatch(/^WECOM_CALLBACK_AES_KEY: must be the 43-character EncodingAESKey/);
    expect(short).not.toContain('secretvalue42');
    expect(refusal({ WECOM_CALLBACK_TOKEN: 'tok123', WECOM_CALLBACK_AES_KEY: aesKey })).toMatch(
      /^WECOM_CORP_ID: is required/,
    );
    expect(refusal({ FEISHU_VERIFICATION_TOKEN: 'verification-1' })).toMatch(
      /^FEISHU_ENCRYPT_KEY: is required/,
    );
    expect(refusal({ DIGEST_TIMEZONE: 'Mars/Olympus' })).toMatch(/^DIGEST_TIMEZONE:/);
    expect(refusal({ DIGEST_CRON: '30 8 *' })).toMatch(/^DIGEST_CRON:/);
    expect(refusal({ CHAT_CALLBACK_MAX_AGE_SECONDS: '1' })).toMatch(/^CHAT_CALLBACK_MAX_AGE_SECONDS:/);
  });

  it('keeps the secrets readable but out of JSON and inspection (so out of every log line)', () => {
    const config = parseChatCallbacksConfig({
      WECOM_CORP_ID: 'ww-corp',
      WECOM_CALLBACK_TOKEN: 'tokSECRET1',
      WECOM_CALLBACK_AES_KEY: aesKey,
      FEISHU_APP_ID: 'cli_x',
      FEISHU_VERIFICATION_TOKEN: 'verification-SECRET2',
      FEISHU_ENCRYPT_KEY: 'encrypt-SECRET3',
    });
    expect(config.wecom!.token).toBe('tokSECRET1');
    expect(config.feishu!.encryptKey).toBe('encrypt-SECRET3');
    const shown = JSON.stringify(config) + inspect(config, { depth: 5 });
    for (const secret of ['tokSECRET1', aesKey, 'verification-SECRET2', 'encrypt-SECRET3'])
      expect(shown).not.toContain(secret);
    expect(parseDigestConfig({ DIGEST_CRON: '0 9 * * *', DIGEST_TIMEZONE: 'Asia/Urumqi' })).toEqual({
      cron: '0 9 * * *',
      timezone: 'Asia/Urumqi',
    });
  });
});
