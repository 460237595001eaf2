// May this user see or act on this deal? The read model answers quickly; a deal created a moment
// ago may not be projected yet, so the workflow's own state is the fallback.
import type { PrismaClient } from '../db/prisma';
import type { AuthenticatedUser } from '../auth/api-tokens';
import { canActForOwner } from '../auth/reporting-line';
import { AppError } from '../errors/app-error';
import type { OpportunityClient } from './workflow-client';

export async function ownerOf(
  prisma: PrismaClient,
  opportunities: OpportunityClient,
  id: string,
): Promise<string> {
  const row = await prisma.opportunity.findUnique({ where: { id }, select: { ownerId: true } });
  if (row) return row.ownerId;
  return (await opportunities.state(id)).ownerId;
}

export async function assertCanAct(
  prisma: PrismaClient,
  opportunities: OpportunityClient,
  user: AuthenticatedUser,
  id: string,
): Promise<void> {
  const ownerId = await ownerOf(prisma, opportunities, id);
  if (!(await canActForOwner(prisma, user, ownerId))) {
    throw new AppError('FORBIDDEN', 'this opportunity is outside your reporting line');
  }
}
