// The stalled deals of a scope, longest in stage first, with the escalation level each reached:
// the dashboard's list (the weekly report shows the first of the same list for its recipient).
import type { PrismaClient } from '../db/prisma';
import type { TStalledList } from './dashboard-schemas';

const DAY_MS = 86_400_000;

export async function listStalledDeals({
  prisma,
  scopeUserIds,
  limit,
  asOf = new Date(),
}: {
  prisma: PrismaClient;
  scopeUserIds: readonly string[] | null;
  limit: number;
  asOf?: Date;
}): Promise<Omit<TStalledList, 'scope'>> {
  const where = {
    status: 'open' as const,
    stalled: true,
    ...(scopeUserIds === null ? {} : { ownerId: { in: [...scopeUserIds] } }),
  };
  const [rows, total] = await Promise.all([
    prisma.opportunity.findMany({
      where,
      orderBy: [{ stageEnteredAt: 'asc' }, { id: 'asc' }],
      take: limit,
      include: { owner: { select: { name: true } } },
    }),
    prisma.opportunity.count({ where }),
  ]);
  return {
    asOf: asOf.toISOString(),
    total,
    deals: rows.map((r) => ({
      id: r.id,
      name: r.name,
      account: r.account,
      ownerId: r.ownerId,
      ownerName: r.owner.name,
      milestone: r.milestone,
      daysInStage: Math.max(0, Math.floor((asOf.getTime() - r.stageEnteredAt.getTime()) / DAY_MS)),
      escalationLevel: r.escalationLevel,
      amount: Number(r.amount),
    })),
  };
}
