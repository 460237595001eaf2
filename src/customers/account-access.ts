// Who sees and changes which accounts (issue 11): a rep the public pool (公海) and their own list,
// a manager or director the pool and their line, an admin all. An account held outside the caller's
// line shows its name and "held by a colleague", nothing more (masked).
import type { Prisma, PrismaClient } from '../db/prisma';
import { subtreeUserIds, type Actor } from '../auth/reporting-line';
import type { Holder } from './account-schemas';

export interface AccountScope {
  actor: Actor;
  /** The owners whose accounts the caller sees in full ('all' for an admin). */
  line: ReadonlySet<string> | 'all';
}

export async function accountScope(prisma: PrismaClient, actor: Actor): Promise<AccountScope> {
  if (actor.role === 'admin') return { actor, line: 'all' };
  if (actor.role === 'rep') return { actor, line: new Set([actor.id]) };
  return { actor, line: new Set(await subtreeUserIds(prisma, actor.id)) };
}

export function holderOf(scope: AccountScope, ownerId: string | null): Holder {
  if (ownerId === null) return 'pool';
  if (ownerId === scope.actor.id) return 'you';
  return scope.line === 'all' || scope.line.has(ownerId) ? 'line' : 'colleague';
}

/** May the caller change the account (fields, contacts, a merge by import)? */
export function mayEdit(scope: AccountScope, holder: Holder): boolean {
  if (scope.actor.role === 'admin') return true;
  if (scope.actor.role === 'rep') return holder === 'you';
  return holder !== 'colleague';
}

/** The accounts a list may show, narrowed by the `holder` filter. */
export function visibleWhere(
  scope: AccountScope,
  holder: 'pool' | 'mine' | 'line' | 'all',
): Prisma.AccountWhereInput {
  if (holder === 'pool') return { ownerId: null };
  if (holder === 'mine') return { ownerId: scope.actor.id };
  const line: Prisma.AccountWhereInput =
    scope.line === 'all' ? { ownerId: { not: null } } : { ownerId: { in: [...scope.line] } };
  if (holder === 'line') return line;
  return scope.line === 'all' ? {} : { OR: [{ ownerId: null }, line] };
}

/** Deals of an account the caller may see: their own or their line's (all for an admin). */
export function visibleDealOwner(scope: AccountScope, ownerId: string): boolean {
  return scope.line === 'all' || scope.line.has(ownerId);
}
