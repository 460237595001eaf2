// Every API call authenticates; looking the token up in PostgreSQL each time was most of the
// API's own cost per command. A token is trusted from memory for a few seconds at most. Revoking
// a token or deactivating a user through this process takes effect at once; through another
// process, within the TTL.
import { LRUCache } from 'lru-cache';
import type { PrismaClient } from '../db/prisma';
import { authenticateApiToken, hashToken, type AuthenticatedUser } from './api-tokens';

export interface CachedAuthenticator {
  authenticate(token: string): Promise<AuthenticatedUser | null>;
  forgetToken(tokenId: string): void;
  forgetUser(userId: string): void;
}

export function createCachedAuthenticator(
  prisma: PrismaClient,
  options: { ttlMs?: number; max?: number } = {},
): CachedAuthenticator {
  const cache = new LRUCache<string, AuthenticatedUser>({
    max: options.max ?? 10_000,
    ttl: options.ttlMs ?? 5_000,
  });
  const forgetWhere = (match: (u: AuthenticatedUser) => boolean) => {
    for (const [key, user] of cache.entries()) if (match(user)) cache.delete(key);
  };
  return {
    async authenticate(token) {
      const key = hashToken(token);
      const cached = cache.get(key);
      if (cached && (!cached.tokenExpiresAt || cached.tokenExpiresAt > new Date())) return cached;
      const user = await authenticateApiToken(prisma, token);
      if (user) cache.set(key, user);
      else cache.delete(key);
      return user;
    },
    forgetToken: (tokenId) => forgetWhere((u) => u.tokenId === tokenId),
    forgetUser: (userId) => forgetWhere((u) => u.id === userId),
  };
}
