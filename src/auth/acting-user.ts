// Who a request acts as, for pages outside /api that honour a signed link (one-click email
// actions): a link opened by a signed-in caller must be that caller's own link. A Bearer token
// names its user (an invalid one names nobody who could match); a live session cookie names its
// user; an ended session or no credentials name no one (the link alone decides).
import type { PrismaClient } from '../db/prisma';
import { authenticateApiToken } from './api-tokens';
import { SESSION_COOKIE, parseCookies } from './cookies';
import { authenticateSession, type SessionTimeouts } from './sessions';

/** An id no user has: the link router then refuses a link for anyone. */
export const NOBODY = 'unauthenticated';

export async function actingUserId(
  prisma: PrismaClient,
  req: { headers: { authorization?: string; cookie?: string } },
  timeouts: SessionTimeouts,
): Promise<string | undefined> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return (await authenticateApiToken(prisma, bearer))?.id ?? NOBODY;
  const secret = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  if (!secret) return undefined;
  return (await authenticateSession(prisma, secret, timeouts))?.id;
}
