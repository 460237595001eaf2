// Mailed one-time links: sign in (magic link), accept an invitation, reset a password. The URL
// carries 256 random bits; the AuthLink row keeps only their SHA-256, its purpose, user and
// expiry. A link is honoured once: the claim is one UPDATE ... WHERE usedAt IS NULL, so of two
// concurrent uses exactly one wins. Opening the link (GET) only checks it; using it is a POST.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../db/prisma';
import { AppError } from '../errors/app-error';
import { hashToken } from './api-tokens';

export const AUTH_LINK_PURPOSES = ['sign_in', 'invite', 'reset'] as const;
export type TAuthLinkPurpose = (typeof AUTH_LINK_PURPOSES)[number];

/** The path segment each purpose's page lives under: /auth/<segment>/<token>. */
export const AUTH_LINK_PATHS: Record<TAuthLinkPurpose, string> = {
  sign_in: 'magic',
  invite: 'invite',
  reset: 'reset',
};

const LINK_PREFIX = 'psl_';

export interface IssuedAuthLink {
  id: string;
  token: string;
  url: string;
  expiresAt: Date;
}

export interface AuthLinkUser {
  id: string;
  name: string;
  email: string;
  locale: 'zh_CN' | 'en';
  active: boolean;
}

export interface CheckedAuthLink {
  id: string;
  purpose: TAuthLinkPurpose;
  expiresAt: Date;
  user: AuthLinkUser;
}

type Tx = Pick<PrismaClient, 'authLink'>;

export async function issueAuthLink(
  prisma: PrismaClient,
  opts: { purpose: TAuthLinkPurpose; userId: string; ttlMs: number; publicBaseUrl: string },
): Promise<IssuedAuthLink> {
  // Links expired a day ago are no use to anyone (a refused link's page only needs its language).
  await prisma.authLink.deleteMany({
    where: { userId: opts.userId, expiresAt: { lt: new Date(Date.now() - 86_400_000) } },
  });
  const token = LINK_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + opts.ttlMs);
  const row = await prisma.authLink.create({
    data: { purpose: opts.purpose, userId: opts.userId, tokenHash: hashToken(token), expiresAt },
  });
  const url = `${opts.publicBaseUrl}/auth/${AUTH_LINK_PATHS[opts.purpose]}/${token}`;
  return { id: row.id, token, url, expiresAt };
}

const invalid = () => new AppError('TOKEN_INVALID', 'this link is not valid');

/** The link if it is ours, for this purpose, unused, unexpired and for an active user; else the refusal. */
export async function checkAuthLink(
  prisma: PrismaClient,
  purpose: TAuthLinkPurpose,
  token: string,
): Promise<CheckedAuthLink> {
  if (!token.startsWith(LINK_PREFIX) || token.length > 200) throw invalid();
  const row = await prisma.authLink.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, name: true, email: true, locale: true, active: true } } },
  });
  if (!row || row.purpose !== purpose) throw invalid();
  if (row.usedAt) throw new AppError('TOKEN_USED', 'this link has already been used');
  if (row.expiresAt.getTime() <= Date.now()) throw new AppError('TOKEN_EXPIRED', 'this link has expired');
  if (!row.user.active) throw new AppError('FORBIDDEN', 'this account is no longer active');
  return { id: row.id, purpose, expiresAt: row.expiresAt, user: row.user };
}

/** The language of whoever a link was sent to (used, expired or not), for its refusal page. */
export async function authLinkLocale(
  prisma: PrismaClient,
  token: string,
): Promise<'zh_CN' | 'en' | undefined> {
  if (!token.startsWith(LINK_PREFIX) || token.length > 200) return undefined;
  const row = await prisma.authLink.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { user: { select: { locale: true } } },
  });
  return row?.user.locale;
}

/** Marks the link used; TOKEN_USED / TOKEN_EXPIRED when another request (or the clock) got there first. */
export async function claimAuthLink(tx: Tx, id: string): Promise<void> {
  const now = new Date();
  const { count } = await tx.authLink.updateMany({
    where: { id, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count === 1) return;
  const row = await tx.authLink.findUnique({ where: { id }, select: { usedAt: true } });
  if (row?.usedAt) throw new AppError('TOKEN_USED', 'this link has already been used');
  throw new AppError('TOKEN_EXPIRED', 'this link has expired');
}

/** The user's other unused links for the purpose stop working (a newer reset mail supersedes older ones). */
export async function retireAuthLinks(
  tx: Tx,
  where: { userId: string; purposes: TAuthLinkPurpose[] },
): Promise<void> {
  await tx.authLink.updateMany({
    where: { userId: where.userId, purpose: { in: where.purposes }, usedAt: null },
    data: { usedAt: new Date() },
  });
}
