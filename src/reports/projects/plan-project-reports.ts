// Which week a project-report run covers, which deals get one (every deal with a recorded project
// plan that was being worked during the week), and who receives each: the deal team, the owner and
// the owner's manager, active users only, once each.
import type { PrismaClient } from '../../db/prisma';
import type { ProjectReportPlan } from '../../contracts/project-reports';
import { lastCompleteWeek } from '../report-period';

export async function planProjectReports({
  prisma,
  asOf,
}: {
  prisma: PrismaClient;
  asOf: Date;
}): Promise<ProjectReportPlan> {
  const week = lastCompleteWeek(asOf);
  const deals = await prisma.opportunity.findMany({
    where: {
      planRecordedAt: { not: null, lt: week.to },
      // Still worked, or closed during the week (its last report says how it ended).
      OR: [{ status: { in: ['open', 'on_hold'] } }, { closedAt: { gte: week.from } }],
    },
    select: { id: true, ownerId: true, owner: { select: { managerId: true } } },
    orderBy: { id: 'asc' },
  });
  const members = await prisma.opportunityTeamMember.findMany({
    where: { opportunityId: { in: deals.map((d) => d.id) } },
    select: { opportunityId: true, userId: true },
  });
  const wanted = new Map(
    deals.map((d) => [
      d.id,
      [
        d.ownerId,
        ...members.filter((m) => m.opportunityId === d.id).map((m) => m.userId),
        ...(d.owner.managerId ? [d.owner.managerId] : []),
      ],
    ]),
  );
  const active = new Set(
    (
      await prisma.user.findMany({
        where: { id: { in: [...new Set([...wanted.values()].flat())] }, active: true },
        select: { id: true },
      })
    ).map((u) => u.id),
  );
  return {
    isoWeek: week.isoWeek,
    from: week.from.toISOString(),
    to: week.to.toISOString(),
    deals: deals.map((d) => ({
      opportunityId: d.id,
      recipientIds: [...new Set(wanted.get(d.id))].filter((id) => active.has(id)).sort(),
    })),
  };
}
