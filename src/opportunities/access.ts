// May this user see or act on this deal? The read model answers; a deal created a moment ago may
// not be projected yet, so the workflow's own state is the fallback. A deal's owner rarely
// changes, so it is remembered for a few seconds: the hot path of a rep acting on their own deal
// then needs no query. Commands stay safe if a remembered owner is stale: the workflow's Update
// validator checks the actor against the deal's current owner and reporting line again.
import { LRUCache } from 'lru-cache';
import type { PrismaClient } from '../db/prisma';
import type { AuthenticatedUser } from '../auth/api-tokens';
import { canActForOwner } from '../auth/reporting-line';
import { AppError } from '../errors/app-error';
import type { OpportunityClient } from './workflow-client';

export interface DealAccess {
  assertCanAct(user: AuthenticatedUser, id: string): Promise<void>;
  /** Call after this process changes a deal's owner. */
  forget(id: string): void;
}

export function createDealAccess(
  prisma: PrismaClient,
  opportunities: OpportunityClient,
  options: { ttlMs?: number; max?: number } = {},
): DealAccess {
  const owners = new LRUCache<string, string>({ max: options.max ?? 50_000, ttl: options.ttlMs ?? 5_000 });

  const ownerOf = async (id: string): Promise<string> => {
    const cached = owners.get(id);
    if (cached) return cached;
    const row = await prisma.opportunity.findUnique({ where: { id }, select: { ownerId: true } });
    const ownerId = row?.ownerId ?? (await opportunities.state(id)).ownerId;
    owners.set(id, ownerId);
    return ownerId;
  };

  return {
    async assertCanAct(user, id) {
      const ownerId = await ownerOf(id);
      if (!(await canActForOwner(prisma, user, ownerId))) {
        throw new AppError('FORBIDDEN', 'this opportunity is outside your reporting line');
      }
    },
    forget: (id) => owners.delete(id),
  };
}
