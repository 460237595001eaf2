// Pure rules of sign-in: the password policy, the cookies'
// attributes and CSRF value, and the configuration that sets them.
import { loadConfig } from '../../src/config';
import { csrfTokenFor, parseCookies, sameSecret, sessionCookies } from '../../src/auth/cookies';
import { assertPasswordAcceptable } from '../../src/auth/password-policy';
import { needsRehash, hashPassword, verifyPassword } from '../../src/auth/passwords';
import { AppError } from '../../src/errors/app-error';
import { redactUrl } from '../../src/api/middleware/redact-url';

const refusal = (password: string, email = 'wang.fang@example.com') => {
  try {
    assertPasswordAcceptable(password, email);
    return 'accepted';
  } catch (err) {
    return err instanceof AppError ? { code: err.code, details: err.details } : err;
  }
};

describe('password policy', () => {
  it.each([
    ['short123', { code: 'PASSWORD_TOO_SHORT', details: { minLength: 10 } }],
    ['密码太短了', { code: 'PASSWORD_TOO_SHORT', details: { minLength: 10 } }],
    ['x'.repeat(257) + 'Y', { code: 'PASSWORD_TOO_LONG', details: { maxLength: 256 } }],
    ['my wang.fang@example.com pw', { code: 'PASSWORD_CONTAINS_EMAIL', details: undefined }],
    ['WANG.FANG2026!!', { code: 'PASSWORD_CONTAINS_EMAIL', details: undefined }],
    ['password123', { code: 'PASSWORD_TOO_COMMON', details: undefined }],
    ['aaaaaaaaaaaa', { code: 'PASSWORD_TOO_COMMON', details: undefined }],
    ['abcabcabcabc', { code: 'PASSWORD_TOO_COMMON', details: undefined }],
    ['9876543210', { code: 'PASSWORD_TOO_COMMON', details: undefined }],
    ['correct horse battery', 'accepted'],
    ['我的销售密码很长很长', 'accepted'],
  ])('%s', (password, expected) => {
    expect(refusal(password)).toEqual(expected);
  });
});

describe('password hashing', () => {
  it('salts per hash, verifies, and flags hashes made with other parameters', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(a, 'same password')).toBe(true);
    expect(await verifyPassword(a, 'other password')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(needsRehash(a)).toBe(false);
    expect(needsRehash(a.replace('m=19456', 'm=4096'))).toBe(true);
  });
});

describe('cookies', () => {
  it('session cookie HttpOnly, CSRF cookie readable, both SameSite=Lax, Secure only when asked', () => {
    const expires = new Date(Date.now() + 3_600_000);
    const [session, csrf] = sessionCookies('pss_secret', expires, false);
    expect(session).toMatch(/^psm_session=pss_secret; Path=\/; Max-Age=3\d{3}; SameSite=Lax; HttpOnly$/);
    expect(csrf).toBe(
      `psm_csrf=${csrfTokenFor('pss_secret')}; Path=/; Max-Age=${/Max-Age=(\d+)/.exec(session!)![1]}; SameSite=Lax`,
    );
    expect(sessionCookies('pss_secret', expires, true).every((c) => c.endsWith('; Secure'))).toBe(true);
  });

  it('parses the first value of each cookie and compares secrets of any length', () => {
    expect(parseCookies('a=1; psm_session=x%3Dy; a=2; junk; =v')).toEqual({ a: '1', psm_session: 'x=y' });
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret(undefined, 'abc')).toBe(false);
    expect(csrfTokenFor('a')).not.toBe(csrfTokenFor('b'));
  });
});

describe('configuration', () => {
  it('Secure cookies exactly when PUBLIC_BASE_URL is https; idle may not exceed the absolute end', () => {
    expect(loadConfig({}).auth.secureCookies).toBe(false);
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://psm.example.com' }).auth.secureCookies).toBe(true);
    expect(loadConfig({}).auth).toMatchObject({
      sessionIdleMs: 12 * 3_600_000,
      sessionMaxMs: 14 * 86_400_000,
      magicLinkTtlMs: 15 * 60_000,
    });
    expect(() => loadConfig({ SESSION_IDLE_HOURS: '48', SESSION_MAX_DAYS: '1' })).toThrow(
      /SESSION_IDLE_HOURS/,
    );
    expect(() => loadConfig({ MAGIC_LINK_TTL_MINUTES: '0' })).toThrow(/MAGIC_LINK_TTL_MINUTES/);
  });
});

describe('logs', () => {
  it('never carry a mailed link token: the request logger redacts /auth/<kind>/<token>', () => {
    expect(redactUrl('/auth/magic/psl_secret123')).toBe('/auth/magic/[token]');
    expect(redactUrl('/AUTH/Reset/psl_secret123?x=1')).toBe('/AUTH/Reset/[token]?x=1');
    expect(redactUrl('/auth/invite/psl_secret123')).toBe('/auth/invite/[token]');
    expect(redactUrl('/api/auth/sign-in')).toBe('/api/auth/sign-in');
  });
});
