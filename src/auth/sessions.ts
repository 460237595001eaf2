// Browser sessions: a random secret in the psm_session cookie, only its SHA-256 in the Session
// table. A session ends at expiresAt (absolute), after the idle timeout without a request, when
// revoked (sign-out, an admin, a password change), or when its user is deactivated.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../db/prisma';
import { hashToken, type AuthenticatedUser } from './api-tokens';

export const SESSION_PREFIX = 'pss_';

export interface SessionTimeouts {
  idleMs: number;
  maxMs: number;
}

export interface StartedSession {
  id: string;
  secret: string;
  expiresAt: Date;
}

/** Ended sessions stay listed for the admin this long, then go at the user's next sign-in. */
export const ENDED_SESSION_RETENTION_MS = 30 * 86_400_000;

/** lastSeenAt is written at most this often: the idle clock needs minutes, not every request. */
const SEEN_RESOLUTION_MS = 60_000;

export async function startSession(
  prisma: PrismaClient,
  opts: { userId: string; userAgent?: string; address?: string; timeouts: SessionTimeouts },
): Promise<StartedSession> {
  const cutoff = new Date(Date.now() - ENDED_SESSION_RETENTION_MS);
  await prisma.session.deleteMany({
    where: { userId: opts.userId, OR: [{ expiresAt: { lt: cutoff } }, { revokedAt: { lt: cutoff } }] },
  });
  const secret = SESSION_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + opts.timeouts.maxMs);
  const row = await prisma.session.create({
    data: {
      userId: opts.userId,
      tokenHash: hashToken(secret),
      expiresAt,
      userAgent: opts.userAgent?.slice(0, 300) ?? null,
      address: opts.address?.slice(0, 64) ?? null,
    },
  });
  return { id: row.id, secret, expiresAt };
}

/** When a session stops working: the earlier of its absolute end and its idle end. */
export function sessionEndsAt(row: { expiresAt: Date; lastSeenAt: Date }, idleMs: number): Date {
  return new Date(Math.min(row.expiresAt.getTime(), row.lastSeenAt.getTime() + idleMs));
}

export async function authenticateSession(
  prisma: PrismaClient,
  secret: string,
  timeouts: SessionTimeouts,
): Promise<AuthenticatedUser | null> {
  if (!secret.startsWith(SESSION_PREFIX) || secret.length > 200) return null;
  const row = await prisma.session.findUnique({
    where: { tokenHash: hashToken(secret) },
    include: { user: true },
  });
  const now = Date.now();
  if (!row || row.revokedAt || sessionEndsAt(row, timeouts.idleMs).getTime() <= now) return null;
  if (!row.user.active) {
    await revokeSessions(prisma, { userId: row.userId });
    return null;
  }
  let lastSeenAt = row.lastSeenAt;
  if (now - lastSeenAt.getTime() > SEEN_RESOLUTION_MS) {
    lastSeenAt = new Date(now);
    await prisma.session.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastSeenAt } });
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
    tokenExpiresAt: sessionEndsAt({ expiresAt: row.expiresAt, lastSeenAt }, timeouts.idleMs),
    via: 'session',
  };
}

/** Revokes one session, or all of a user's (but `exceptId`). Returns the revoked ids. */
export async function revokeSessions(
  prisma: PrismaClient,
  where: { userId: string; sessionId?: string; exceptId?: string },
): Promise<string[]> {
  const rows = await prisma.session.findMany({
    where: {
      userId: where.userId,
      revokedAt: null,
      ...(where.sessionId ? { id: where.sessionId } : {}),
      ...(where.exceptId ? { NOT: { id: where.exceptId } } : {}),
    },
    select: { id: true },
  });
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  await prisma.session.updateMany({
    where: { id: { in: ids }, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return ids;
}
