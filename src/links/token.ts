// The signed token format: base64url(JSON payload) + '.' + base64url(HMAC-SHA256(payload part)).
// Pure functions, no I/O: what makes a token authentic. Whether it is still usable (issued,
// unused, unexpired, for an active user) is decided against the database in action-links.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors/app-error';

export const ZLinkActionSchema = z.enum(['approve', 'reject', 'acknowledge']);
export type TLinkAction = z.infer<typeof ZLinkActionSchema>;

export const ZLinkPayloadSchema = z.strictObject({
  jti: z.string().min(16).max(64),
  action: ZLinkActionSchema,
  /** The approval id for approve/reject (and approval escalations), else the opportunity id. */
  subjectId: z.string().min(1).max(200),
  opportunityId: z.string().min(1).max(200),
  userId: z.uuid(),
  /** Seconds since the epoch, as in JWT. */
  exp: z.number().int().positive(),
});
export type TLinkPayload = z.infer<typeof ZLinkPayloadSchema>;

// Generous for any payload we issue, small enough that a hostile URL costs nothing to reject.
const MAX_TOKEN_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function sign(payloadPart: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(payloadPart).digest();
}

export function signToken(payload: TLinkPayload, secret: string): string {
  const payloadPart = Buffer.from(JSON.stringify(ZLinkPayloadSchema.parse(payload)), 'utf8').toString(
    'base64url',
  );
  return `${payloadPart}.${sign(payloadPart, secret).toString('base64url')}`;
}

const invalid = (): AppError => new AppError('TOKEN_INVALID', 'this link is not valid');

/** Throws TOKEN_INVALID unless the token is well-formed and signed with `secret`. Expiry is not checked here. */
export function readSignedToken(token: string, secret: string): TLinkPayload {
  if (token.length > MAX_TOKEN_LENGTH) throw invalid();
  const parts = token.split('.');
  if (parts.length !== 2) throw invalid();
  const [payloadPart, signaturePart] = parts as [string, string];
  if (!BASE64URL.test(payloadPart) || !BASE64URL.test(signaturePart)) throw invalid();
  // Compare the canonical spelling, not decoded bytes: base64url's last character carries spare
  // bits, so decoding accepts several spellings of one signature (a malleable token). Only the
  // exact encoding we issue is accepted.
  const expected = Buffer.from(sign(payloadPart, secret).toString('base64url'), 'ascii');
  const given = Buffer.from(signaturePart, 'ascii');
  // Length check first: timingSafeEqual throws on unequal lengths, and the length is not secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const parsed = ZLinkPayloadSchema.safeParse(json);
  if (!parsed.success) throw invalid();
  return parsed.data;
}
