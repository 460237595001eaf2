// One-click email actions: issue a signed, single-use link; check it; honour it at most once.
// The ActionToken row is the server-side truth (issued, expiry, used); the signature proves the
// URL was not forged or edited.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../db/prisma';
import { AppError } from '../errors/app-error';
import { localeFromDb, type TMailLocale } from '../mail/locale';
import { readSignedToken, signToken, type TLinkAction, type TLinkPayload } from './token';

export interface ActionLinksOptions {
  prisma: PrismaClient;
  /** From resolveLinkSecret(); at least 32 characters. */
  secret: string;
  /** No trailing slash, e.g. https://psm.example.com */
  publicBaseUrl: string;
  ttlHours: number;
  /** For tests; defaults to the wall clock. */
  now?: () => Date;
}

export interface IssueLinkInput {
  action: TLinkAction;
  subjectId: string;
  opportunityId: string;
  userId: string;
  /** Defaults to now + ttlHours. */
  expiresAt?: Date;
}

export interface IssuedLink {
  jti: string;
  token: string;
  url: string;
  expiresAt: Date;
}

export interface LinkUser {
  id: string;
  name: string;
  locale: TMailLocale;
}

export interface VerifiedLink {
  payload: TLinkPayload;
  user: LinkUser;
}

export interface VerifyOptions {
  /** The logged-in user, when the request carries one; a different user is refused. */
  actingUserId?: string;
}

export interface ActionLinks {
  /** The signed payload if the signature holds, without any database check: only for choosing a page's language. */
  peek(token: string): TLinkPayload | undefined;
  issue(input: IssueLinkInput): Promise<IssuedLink>;
  /** Checks without using: for the confirmation page. */
  verify(token: string, options?: VerifyOptions): Promise<VerifiedLink>;
  /** Verifies and marks the token used (atomically: of concurrent callers exactly one succeeds). */
  consume(token: string, options?: VerifyOptions): Promise<VerifiedLink>;
  /**
   * Verifies, claims the token atomically, runs `perform`, and releases the claim if `perform`
   * throws, so a failed action can be retried with the same link but never done twice.
   */
  redeem<T>(token: string, options: VerifyOptions, perform: (link: VerifiedLink) => Promise<T>): Promise<T>;
}

/**
 * 192 random bits, stored in ActionToken. Never derived from anything an outsider can know (a
 * notification key, a deal id): with a leaked secret, a forger would still have to guess an id
 * that was issued, and verify() refuses any id without its row.
 */
function randomLinkId(): string {
  return randomBytes(24).toString('base64url');
}

const toSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

export function createActionLinks(options: ActionLinksOptions): ActionLinks {
  const { prisma, secret } = options;
  const now = options.now ?? (() => new Date());
  if (secret.length < 32) throw new Error('link secret must be at least 32 characters');

  async function issue(input: IssueLinkInput): Promise<IssuedLink> {
    // Every call mints a new link. Idempotency lives one level up: a notification's mail is
    // rendered and stored once, so a retried send re-sends the stored links and mints none.
    const jti = randomLinkId();
    const requested = input.expiresAt ?? new Date(now().getTime() + options.ttlHours * 3_600_000);
    // Whole seconds, so the row and the signed `exp` are exactly equal.
    const expiresAt = new Date(toSeconds(requested) * 1000);
    await prisma.actionToken.create({
      data: { id: jti, action: input.action, subjectId: input.subjectId, userId: input.userId, expiresAt },
    });
    const payload: TLinkPayload = {
      jti,
      action: input.action,
      subjectId: input.subjectId,
      opportunityId: input.opportunityId,
      userId: input.userId,
      exp: toSeconds(expiresAt),
    };
    const token = signToken(payload, secret);
    return { jti, token, url: `${options.publicBaseUrl}/email-actions/${token}`, expiresAt };
  }

  async function verify(token: string, verifyOptions: VerifyOptions = {}): Promise<VerifiedLink> {
    const payload = readSignedToken(token, secret);
    const row = await prisma.actionToken.findUnique({ where: { id: payload.jti } });
    // Signed but never issued, or not what was issued: only possible with a leaked secret or a
    // wiped database. Either way it is not a link we sent.
    if (
      !row ||
      row.action !== payload.action ||
      row.subjectId !== payload.subjectId ||
      row.userId !== payload.userId ||
      toSeconds(row.expiresAt) !== payload.exp
    ) {
      throw new AppError('TOKEN_INVALID', 'this link is not valid');
    }
    if (row.usedAt) throw new AppError('TOKEN_USED', 'this link has already been used');
    if (row.expiresAt.getTime() <= now().getTime())
      throw new AppError('TOKEN_EXPIRED', 'this link has expired');
    const user = await prisma.user.findUnique({
      where: { id: payload.userId },
      select: { id: true, name: true, locale: true, active: true },
    });
    if (!user || !user.active)
      throw new AppError('FORBIDDEN', 'the user this link was sent to can no longer act');
    if (verifyOptions.actingUserId !== undefined && verifyOptions.actingUserId !== payload.userId) {
      throw new AppError('FORBIDDEN', 'this link was sent to a different user');
    }
    return { payload, user: { id: user.id, name: user.name, locale: localeFromDb(user.locale) } };
  }

  /** One UPDATE ... WHERE usedAt IS NULL: of concurrent claims exactly one sees a row change. */
  async function claim(jti: string): Promise<Date> {
    const claimedAt = now();
    const { count } = await prisma.actionToken.updateMany({
      where: { id: jti, usedAt: null, expiresAt: { gt: claimedAt } },
      data: { usedAt: claimedAt },
    });
    if (count === 1) return claimedAt;
    const row = await prisma.actionToken.findUnique({ where: { id: jti }, select: { usedAt: true } });
    if (row?.usedAt) throw new AppError('TOKEN_USED', 'this link has already been used');
    throw new AppError('TOKEN_EXPIRED', 'this link has expired');
  }

  /** Undo only our own claim (matched by its timestamp), never someone else's. */
  async function release(jti: string, claimedAt: Date): Promise<void> {
    await prisma.actionToken.updateMany({ where: { id: jti, usedAt: claimedAt }, data: { usedAt: null } });
  }

  async function consume(token: string, verifyOptions: VerifyOptions = {}): Promise<VerifiedLink> {
    const link = await verify(token, verifyOptions);
    await claim(link.payload.jti);
    return link;
  }

  async function redeem<T>(
    token: string,
    verifyOptions: VerifyOptions,
    perform: (link: VerifiedLink) => Promise<T>,
  ): Promise<T> {
    const link = await verify(token, verifyOptions);
    const claimedAt = await claim(link.payload.jti);
    try {
      return await perform(link);
    } catch (err) {
      // If the release itself fails the link stays used: that fails safe (no second action),
      // and the person can still act on the web page. The caller sees the original error.
      await release(link.payload.jti, claimedAt).catch(() => undefined);
      throw err;
    }
  }

  function peek(token: string): TLinkPayload | undefined {
    try {
      return readSignedToken(token, secret);
    } catch {
      return undefined;
    }
  }

  return { peek, issue, verify, consume, redeem };
}
