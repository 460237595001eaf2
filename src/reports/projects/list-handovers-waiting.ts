// Handovers waiting (issue 14): won deals in scope whose handover (交底会) the delivery side has
// not accepted yet, longest waiting first, with who is to accept it and whether it is overdue.
import type { PrismaClient } from '../../db/prisma';
import type { THandoversWaitingReport } from './schemas';

const DAY_MS = 86_400_000;

export async function listHandoversWaiting({
  prisma,
  scopeUserIds,
  asOf,
}: {
  prisma: PrismaClient;
  scopeUserIds: readonly string[] | null;
  /** The instant waiting is measured to. */
  asOf: Date;
}): Promise<Omit<THandoversWaitingReport, 'scope'>> {
  const deals = await prisma.opportunity.findMany({
    where: {
      status: 'won',
      handoverStatus: 'pending',
      ...(scopeUserIds === null ? {} : { ownerId: { in: [...scopeUserIds] } }),
    },
    orderBy: [{ closedAt: 'asc' }, { id: 'asc' }],
  });
  const frs = await prisma.opportunityTeamMember.findMany({
    where: { opportunityId: { in: deals.map((d) => d.id) }, role: 'FR' },
    select: { opportunityId: true, userId: true },
  });
  const frOf = new Map(frs.map((m) => [m.opportunityId, m.userId]));
  return {
    asOf: asOf.toISOString(),
    handovers: deals.map((deal) => ({
      id: deal.id,
      name: deal.name,
      account: deal.account,
      ownerId: deal.ownerId,
      acceptorId: deal.deliveryOwnerId ?? frOf.get(deal.id) ?? null,
      wonAt: deal.closedAt?.toISOString() ?? null,
      handoverDueAt: deal.handoverDueAt?.toISOString() ?? null,
      waitingDays:
        deal.closedAt === null
          ? 0
          : Math.max(0, Math.floor((asOf.getTime() - deal.closedAt.getTime()) / DAY_MS)),
      overdue: deal.handoverDueAt !== null && deal.handoverDueAt.getTime() <= asOf.getTime(),
    })),
  };
}
