// API tokens: random, shown once, stored as a SHA-256 hash, revocable and expiring.
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../db/prisma';

const TOKEN_PREFIX = 'psm_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface IssuedToken {
  id: string;
  token: string;
  prefix: string;
  expiresAt: Date | null;
}

export async function issueApiToken(
  prisma: PrismaClient,
  opts: { userId: string; label: string; ttlDays?: number | null },
): Promise<IssuedToken> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const expiresAt = opts.ttlDays ? new Date(Date.now() + opts.ttlDays * 86_400_000) : null;
  const row = await prisma.apiToken.create({
    data: { userId: opts.userId, label: opts.label, tokenHash: hashToken(token), prefix, expiresAt },
  });
  return { id: row.id, token, prefix, expiresAt };
}

export interface AuthenticatedUser {
  id: string;
  name: string;
  email: string;
  role: 'rep' | 'manager' | 'director' | 'admin';
  locale: 'zh_CN' | 'en';
  managerId: string | null;
  /** The API token's id, or the browser session's. */
  tokenId: string;
  /** When the token (or session) stops working, if it expires. */
  tokenExpiresAt: Date | null;
  /** Bearer token (scripts, integrations) or session cookie (the page; changes need CSRF). */
  via: 'token' | 'session';
}

export async function authenticateApiToken(
  prisma: PrismaClient,
  token: string,
): Promise<AuthenticatedUser | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date()) || !row.user.active)
    return null;
  // Best effort and at most once a minute: lastUsedAt is for operators, not for correctness.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await prisma.apiToken
      .update({ where: { id: row.id }, data: { lastUsedAt: new Date() } })
      .catch(() => undefined);
  }
  const { user } = row;
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    locale: user.locale,
    managerId: user.managerId,
    tokenId: row.id,
    tokenExpiresAt: row.expiresAt,
    via: 'token',
  };
}
