// LINK_SECRET is refused at start when it is published, short or predictable, and required
// whenever the database is a real one; DEMO_SEED is on only for the embedded default.
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';
import { estimateSecretBits, MIN_SECRET_BITS } from '../../src/config/secret-strength';

const DATABASE_URL = 'postgresql://psm:psm@db.example.test:5432/psm';

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('LINK_SECRET', () => {
  it.each([
    ['the old docker-compose default', 'change-me-to-a-long-random-secret-of-32-chars'],
    ['a placeholder', 'replace-me-with-a-real-secret-8f3KQ2vX9zLm'],
    ['too short', randomBytes(12).toString('base64url')],
    ['one character repeated', 'a'.repeat(64)],
    ['a short pattern repeated', 'abcd'.repeat(16)],
    ['a mixed pattern repeated', 'Xk9#pQ2!'.repeat(5)],
    ['a repeated pattern with a tail', `${'Xk9#pQ2!'.repeat(5)}tail`],
    ['an alphabet run', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL'],
    ['digits counting up', '0123456789'.repeat(4)],
    ['a repeated passphrase', 'correct horse battery staple correct horse'],
    ['16 random bytes in hex (read pessimistically, below 128 bits)', randomBytes(16).toString('hex')],
  ])('refuses %s, naming the variable but never the value', (_name, secret) => {
    const envs: Record<string, string>[] = [{ LINK_SECRET: secret }, { LINK_SECRET: secret, DATABASE_URL }];
    for (const env of envs) {
      const err = refusal(env);
      expect(err.variable).toBe('LINK_SECRET');
      expect(err.message).toMatch(/^LINK_SECRET: .*openssl rand|^LINK_SECRET: must be at least 32/);
      expect(err.message).not.toContain(secret);
    }
  });

  it('accepts what .env.example tells people to generate (openssl rand -base64 32 / -hex 32)', () => {
    const lowest = { base64: Infinity, hex: Infinity };
    for (let i = 0; i < 200; i++) {
      const base64 = randomBytes(32).toString('base64');
      const hex = randomBytes(32).toString('hex');
      lowest.base64 = Math.min(lowest.base64, estimateSecretBits(base64));
      lowest.hex = Math.min(lowest.hex, estimateSecretBits(hex));
      expect(loadConfig({ LINK_SECRET: base64, DATABASE_URL }).links.secret).toBe(base64);
      expect(loadConfig({ LINK_SECRET: hex, DATABASE_URL }).links.secret).toBe(hex);
    }
    expect(lowest.base64).toBeGreaterThan(MIN_SECRET_BITS + 40);
    expect(lowest.hex).toBeGreaterThan(MIN_SECRET_BITS + 40);
  });

  it('is required with a real database, and optional for the embedded default (random secret in DATA_DIR)', () => {
    expect(refusal({ DATABASE_URL }).message).toMatch(/^LINK_SECRET: is required with DATABASE_URL/);
    expect(loadConfig({}).links.secret).toBeUndefined();
  });
});

describe('DEMO_SEED', () => {
  const secret = randomBytes(32).toString('base64');
  it('defaults to on for the embedded database and off for a real one', () => {
    expect(loadConfig({}).demoSeed).toBe(true);
    expect(loadConfig({ DATABASE_URL, LINK_SECRET: secret }).demoSeed).toBe(false);
  });
  it('follows an explicit value either way', () => {
    expect(loadConfig({ DEMO_SEED: 'false' }).demoSeed).toBe(false);
    expect(loadConfig({ DATABASE_URL, LINK_SECRET: secret, DEMO_SEED: 'true' }).demoSeed).toBe(true);
  });
});
