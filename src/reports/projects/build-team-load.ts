// The deal team's load (issue 14): per person, the deals in scope they are solution owner (SR)
// or fulfilment owner (FR) on. Deals count while they are being worked: open or on hold, and for
// the FR also a won deal whose handover is not accepted yet (the FR still owes its acceptance).
import type { PrismaClient } from '../../db/prisma';
import type { TTeamLoadReport } from './schemas';

export async function buildTeamLoad({
  prisma,
  scopeUserIds,
}: {
  prisma: PrismaClient;
  scopeUserIds: readonly string[] | null;
}): Promise<Omit<TTeamLoadReport, 'scope'>> {
  const owners = scopeUserIds === null ? {} : { ownerId: { in: [...scopeUserIds] } };
  const deals = await prisma.opportunity.findMany({
    where: {
      ...owners,
      OR: [{ status: { in: ['open', 'on_hold'] } }, { status: 'won', handoverStatus: 'pending' }],
    },
    select: { id: true, status: true },
  });
  const working = new Set(deals.filter((d) => d.status !== 'won').map((d) => d.id));
  const members = await prisma.opportunityTeamMember.findMany({
    where: { opportunityId: { in: deals.map((d) => d.id) }, role: { in: ['SR', 'FR'] } },
    select: { opportunityId: true, userId: true, role: true },
  });
  const load = new Map<string, { sr: number; fr: number }>();
  for (const m of members) {
    // SR work ends with the win; FR work lasts until the handover is accepted.
    if (m.role === 'SR' && !working.has(m.opportunityId)) continue;
    const row = load.get(m.userId) ?? { sr: 0, fr: 0 };
    if (m.role === 'SR') row.sr += 1;
    else row.fr += 1;
    load.set(m.userId, row);
  }
  const users = await prisma.user.findMany({
    where: { id: { in: [...load.keys()] } },
    select: { id: true, name: true },
  });
  const nameOf = new Map(users.map((u) => [u.id, u.name]));
  const people = [...load.entries()]
    .map(([userId, { sr, fr }]) => ({ userId, name: nameOf.get(userId) ?? userId, sr, fr, total: sr + fr }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
  return { people };
}
