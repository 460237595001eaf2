// May this user see or act on this deal? The read model answers; a deal created a moment ago may
// not be projected yet, so the workflow's own state is the fallback. A deal's owner rarely
// changes, so it is remembered for a few seconds: the hot path of a rep acting on their own deal
// then needs no query. Commands stay safe if a remembered owner is stale: the workflow's Update
// validator checks the actor against the deal's current owner and reporting line again.
//
// Deal-team members (sales projects, issue 14) outside the owner's line may see the deal and send
// the commands their role has in the process definition; the workflow checks the finer rules
// (which milestones and checklists) and refuses with NOT_IN_ROLE.
import { LRUCache } from 'lru-cache';
import type { PrismaClient } from '../db/prisma';
import type { AuthenticatedUser } from '../auth/api-tokens';
import { canActForOwner } from '../auth/reporting-line';
import { AppError } from '../errors/app-error';
import type { CommandName } from '../../workflows/opportunity-types';
import { teamRoleOf } from '../../workflows/psm-process';
import type { OpportunityClient } from './workflow-client';

export interface DealAccess {
  /** `command` absent: may see the deal. */
  assertCanAct(user: AuthenticatedUser, id: string, command?: CommandName): Promise<void>;
  /** Call after this process changes a deal's owner or team. */
  forget(id: string): void;
}

const TEAM_CHANGES: ReadonlySet<CommandName> = new Set([
  'assignTeamMember',
  'removeTeamMember',
  'setMajorDeal',
]);

/** May a member in `role` send `command` (absent: see the deal)? */
export function roleMaySend(role: string, command: CommandName | undefined): boolean {
  const definition = teamRoleOf(role);
  if (!definition) return false;
  return command === undefined || (definition.commands as readonly string[]).includes(command);
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

  const teamRoleOfUser = async (id: string, userId: string): Promise<string | null> => {
    const member = await prisma.opportunityTeamMember.findUnique({
      where: { opportunityId_userId: { opportunityId: id, userId } },
      select: { role: true },
    });
    return member?.role ?? null;
  };

  return {
    async assertCanAct(user, id, command) {
      const ownerId = await ownerOf(id);
      if (await canActForOwner(prisma, user, ownerId)) return;
      const role = await teamRoleOfUser(id, user.id);
      if (role !== null && roleMaySend(role, command)) return;
      if (role !== null && command !== undefined && TEAM_CHANGES.has(command)) {
        throw new AppError('TEAM_CHANGE_FORBIDDEN', 'only the owner or their line changes the deal team', {
          role,
          command,
        });
      }
      if (role !== null) {
        throw new AppError('NOT_IN_ROLE', `your role on this deal (${role}) does not include ${command}`, {
          role,
          command: command ?? null,
        });
      }
      throw new AppError('FORBIDDEN', 'this opportunity is outside your reporting line');
    },
    forget: (id) => owners.delete(id),
  };
}
