// Every API call authenticates; looking the token up in PostgreSQL each time was most of the
// API's own cost per command. A token (or session) is trusted from memory for a few seconds at
// most. Revoking a token or session, or deactivating a user through this process takes effect at
// once; through another process, within the TTL.
import { LRUCache } from 'lru-cache';
import type { PrismaClient } from '../db/prisma';
import { authenticateApiToken, hashToken, type AuthenticatedUser } from './api-tokens';
import { authenticateSession, revokeSessions, type SessionTimeouts } from './sessions';

export interface CachedAuthenticator {
  authenticate(token: string): Promise<AuthenticatedUser | null>;
  /** The user of a psm_session cookie's secret, or null for an unknown, ended or revoked session. */
  authenticateSession(secret: string): Promise<AuthenticatedUser | null>;
  /** Also forgets a session (its id is a tokenId). */
  forgetToken(tokenId: string): void;
  /**
   * A user changed (role, manager, deactivated): forget what is cached. A deactivated user's
   * sessions are revoked as well, so the admin's list shows them ended at once.
   */
  forgetUser(userId: string): void;
}

/** Default session timeouts for callers that never sign browsers in (e.g. tools). */
const DEFAULT_TIMEOUTS: SessionTimeouts = { idleMs: 12 * 3_600_000, maxMs: 14 * 86_400_000 };

export function createCachedAuthenticator(
  prisma: PrismaClient,
  options: { ttlMs?: number; max?: number; sessions?: SessionTimeouts } = {},
): CachedAuthenticator {
  const cache = new LRUCache<string, AuthenticatedUser>({
    max: options.max ?? 10_000,
    ttl: options.ttlMs ?? 5_000,
  });
  const timeouts = options.sessions ?? DEFAULT_TIMEOUTS;
  /** Loads in flight by key: a burst of requests with one token at its expiry makes one lookup. */
  const loading = new Map<string, Promise<AuthenticatedUser | null>>();
  /** Bumped by every forget: a lookup that started before it does not fill the cache. */
  let generation = 0;
  const forgetWhere = (match: (u: AuthenticatedUser) => boolean) => {
    generation += 1;
    loading.clear();
    for (const [key, user] of cache.entries()) if (match(user)) cache.delete(key);
  };
  const cached = async (
    key: string,
    load: () => Promise<AuthenticatedUser | null>,
  ): Promise<AuthenticatedUser | null> => {
    const hit = cache.get(key);
    if (hit && (!hit.tokenExpiresAt || hit.tokenExpiresAt > new Date())) return hit;
    const inFlight = loading.get(key);
    if (inFlight) return inFlight;
    const started = generation;
    const pending = load().then((user) => {
      if (generation === started) {
        if (user) cache.set(key, user);
        else cache.delete(key);
      }
      return user;
    });
    loading.set(key, pending);
    const forget = () => {
      if (loading.get(key) === pending) loading.delete(key);
    };
    pending.then(forget, forget);
    return pending;
  };
  return {
    authenticate: (token) => cached(hashToken(token), () => authenticateApiToken(prisma, token)),
    authenticateSession: (secret) =>
      cached(`session:${hashToken(secret)}`, () => authenticateSession(prisma, secret, timeouts)),
    forgetToken: (tokenId) => forgetWhere((u) => u.tokenId === tokenId),
    forgetUser: (userId) => {
      forgetWhere((u) => u.id === userId);
      // Best effort (authenticateSession refuses an inactive user's session anyway).
      void prisma.user
        .findUnique({ where: { id: userId }, select: { active: true } })
        .then((u) => (u && !u.active ? revokeSessions(prisma, { userId }) : undefined))
        .catch(() => undefined);
    },
  };
}
