// IM configuration is validated at start: each app is all-or-nothing with no default secret, robots
// are named and signed, bad values are refused naming the variable (and never echoing a secret),
// and secrets stay out of JSON and inspection of the loaded config.
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '../../src/config';
import { IM_DEFAULT_BASE_URLS } from '../../src/config/im';

const SECRET = 'wecom-app-secret-value-1234567890';
const ROBOT_SECRET = 'SECrobot-signing-secret-abcdef';

function refused(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ NODE_ENV: 'test', ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('IM configuration', () => {
  it('without IM variables no channel is configured, and the base URLs are the platforms', () => {
    const { im } = loadConfig({ NODE_ENV: 'test' });
    expect(im).toMatchObject({ wecom: undefined, dingtalk: undefined, feishu: undefined, robots: {} });
    expect(IM_DEFAULT_BASE_URLS.wecom).toBe('https://qyapi.weixin.qq.com');
  });

  it('refuses an app with a missing part, naming the missing variable (no default secret)', () => {
    expect(refused({ WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1000002' }).variable).toBe('WECOM_APP_SECRET');
    expect(refused({ DINGTALK_APP_SECRET: 'x'.repeat(20) }).variable).toBe('DINGTALK_APP_KEY');
    expect(refused({ FEISHU_APP_ID: 'cli_1' }).variable).toBe('FEISHU_APP_SECRET');
    expect(refused({ WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: 'abc', WECOM_APP_SECRET: SECRET }).variable).toBe(
      'WECOM_AGENT_ID',
    );
    expect(refused({ FEISHU_API_BASE_URL: 'ftp://x' }).variable).toBe('FEISHU_API_BASE_URL');
  });

  it('refuses robots that are not JSON, unnamed, unsigned or of an unknown kind, without echoing their secrets', () => {
    const notJson = refused({ IM_ROBOTS: `{"a": ${ROBOT_SECRET}` });
    expect(notJson.variable).toBe('IM_ROBOTS');
    expect(notJson.message).not.toContain(ROBOT_SECRET);
    const unsigned = refused({
      IM_ROBOTS: JSON.stringify({ team: { channel: 'dingtalk_robot', accessToken: ROBOT_SECRET } }),
    });
    expect(unsigned.message).toMatch(/team.*secret/);
    expect(unsigned.message).not.toContain(ROBOT_SECRET);
    expect(
      refused({ IM_ROBOTS: JSON.stringify({ 'Bad Name': { channel: 'wecom_robot', key: 'k'.repeat(10) } }) })
        .variable,
    ).toBe('IM_ROBOTS');
    expect(
      refused({ IM_ROBOTS: JSON.stringify({ team: { channel: 'slack_robot', key: 'k'.repeat(10) } }) })
        .variable,
    ).toBe('IM_ROBOTS');
  });

  it('keeps secrets readable by the clients but out of JSON and inspection', () => {
    const { im } = loadConfig({
      NODE_ENV: 'test',
      WECOM_CORP_ID: 'ww1',
      WECOM_AGENT_ID: '1000002',
      WECOM_APP_SECRET: SECRET,
      IM_ROBOTS: JSON.stringify({
        team: { channel: 'feishu_robot', hookId: 'hook-id-123456', secret: ROBOT_SECRET },
      }),
    });
    expect(im.wecom!.secret).toBe(SECRET);
    expect(im.robots.team).toMatchObject({ channel: 'feishu_robot' });
    expect((im.robots.team as { secret: string }).secret).toBe(ROBOT_SECRET);
    for (const dump of [JSON.stringify(im), inspect(im, { depth: 5 })]) {
      expect(dump).not.toContain(SECRET);
      expect(dump).not.toContain(ROBOT_SECRET);
      expect(dump).not.toContain('hook-id-123456');
    }
  });
});
