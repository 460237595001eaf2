import { createHmac, randomUUID } from 'node:crypto';
import { readSignedToken, signToken, type TLinkPayload } from '../../src/links/token';

const secret = 'a'.repeat(40);
const payload: TLinkPayload = {
  jti: 'jti-0123456789abcdef',
  action: 'approve',
  subjectId: 'apr-1',
  opportunityId: 'opp-1',
  userId: randomUUID(),
  exp: Math.floor(Date.now() / 1000) + 3600,
};

function reencode(token: string, change: (p: Record<string, unknown>) => void): string {
  const [body, sig] = token.split('.') as [string, string];
  const json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(json);
  return `${Buffer.from(JSON.stringify(json)).toString('base64url')}.${sig}`;
}

describe('signed link tokens', () => {
  it('round-trip', () => {
    expect(readSignedToken(signToken(payload, secret), secret)).toEqual(payload);
  });

  it.each([
    ['signed with another secret', () => signToken(payload, 'b'.repeat(40))],
    ['action changed', () => reencode(signToken(payload, secret), (p) => (p.action = 'reject'))],
    ['user changed', () => reencode(signToken(payload, secret), (p) => (p.userId = randomUUID()))],
    [
      'expiry extended',
      () => reencode(signToken(payload, secret), (p) => (p.exp = (p.exp as number) + 86400)),
    ],
    ['signature truncated', () => signToken(payload, secret).slice(0, -2)],
    ['signature missing', () => signToken(payload, secret).split('.')[0]!],
    ['extra segment', () => `${signToken(payload, secret)}.x`],
    ['not base64url', () => `${signToken(payload, secret)}!`],
    ['empty', () => ''],
    ['huge', () => 'a'.repeat(5000) + '.' + 'b'.repeat(43)],
  ])('refuses a token with %s as TOKEN_INVALID', (_name, make) => {
    expect(() => readSignedToken(make(), secret)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
  });

  it('refuses every other spelling of the same signature (no malleable tokens)', () => {
    const token = signToken(payload, secret);
    const [body, sig] = token.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1)!);
    // 32 signature bytes fill 43 characters with 2 spare bits: 3 other spellings decode the same.
    const variants = [1, 2, 3].map((bits) => `${body}.${sig.slice(0, -1)}${alphabet[last ^ bits]}`);
    for (const variant of variants) {
      expect(Buffer.from(variant.split('.')[1]!, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
      expect(() => readSignedToken(variant, secret)).toThrow(
        expect.objectContaining({ code: 'TOKEN_INVALID' }),
      );
    }
    expect(readSignedToken(token, secret)).toEqual(payload);
  });

  it('refuses a correctly signed payload that is not a link payload', () => {
    // Signed with the right key but an unknown action: the schema, not the signature, refuses it.
    const body = Buffer.from(JSON.stringify({ ...payload, action: 'delete' })).toString('base64url');
    const sig = createHmac('sha256', secret).update(body).digest('base64url');
    expect(() => readSignedToken(`${body}.${sig}`, secret)).toThrow(
      expect.objectContaining({ code: 'TOKEN_INVALID' }),
    );
  });
});
