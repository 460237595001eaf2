// Plan vs actual (issue 14): for every deal in scope with a recorded project plan, each planned
// milestone's planned and actual day and its slippage; and per milestone over the whole scope,
// how many deals planned it, reached it, were late or are overdue, and their slippage days.
import type { PrismaClient } from '../../db/prisma';
import { reportMilestones } from '../report-milestones';
import type { TPlanVsActualReport } from './schemas';
import { milestoneSlippage } from './milestone-slippage';

const day = (date: Date | null): string | null => (date === null ? null : date.toISOString().slice(0, 10));

export async function buildPlanVsActual({
  prisma,
  scopeUserIds,
  asOfDay,
}: {
  prisma: PrismaClient;
  scopeUserIds: readonly string[] | null;
  /** 'YYYY-MM-DD' on the team calendar. */
  asOfDay: string;
}): Promise<Omit<TPlanVsActualReport, 'scope'>> {
  const deals = await prisma.opportunity.findMany({
    where: {
      planRecordedAt: { not: null },
      ...(scopeUserIds === null ? {} : { ownerId: { in: [...scopeUserIds] } }),
    },
    include: { owner: { select: { name: true } } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  const plans = await prisma.milestonePlan.findMany({
    where: { opportunityId: { in: deals.map((d) => d.id) } },
    orderBy: [{ opportunityId: 'asc' }, { milestoneIndex: 'asc' }],
  });

  const team = new Map<string, TPlanVsActualReport['team'][number]>();
  const orderOf = new Map(reportMilestones().map((m) => [m.key, m.index]));
  const rows = deals.map((deal) => {
    const open = deal.status === 'open' || deal.status === 'on_hold';
    const milestones = plans
      .filter((p) => p.opportunityId === deal.id && p.plannedDate !== null)
      .map((p) =>
        milestoneSlippage(
          {
            milestone: p.milestone,
            milestoneIndex: p.milestoneIndex,
            plannedDate: day(p.plannedDate)!,
            actualDate: day(p.actualDate),
          },
          asOfDay,
          open,
        ),
      );
    for (const m of milestones) {
      const agg = team.get(m.milestone) ?? {
        milestone: m.milestone,
        // Deals on different process versions plan the same key at different positions: the
        // scope's row is placed in the report's order (issue 17), after it if no version has it.
        milestoneIndex: orderOf.get(m.milestone) ?? orderOf.size + m.milestoneIndex,
        planned: 0,
        reached: 0,
        late: 0,
        overdue: 0,
        totalSlippageDays: 0,
        averageSlippageDays: null,
      };
      agg.planned += 1;
      if (m.actualDate !== null) agg.reached += 1;
      if (m.status === 'late') agg.late += 1;
      if (m.status === 'overdue') agg.overdue += 1;
      if (m.slippageDays !== null) agg.totalSlippageDays += m.slippageDays;
      team.set(m.milestone, agg);
    }
    const slips = milestones.map((m) => m.slippageDays ?? 0);
    return {
      id: deal.id,
      name: deal.name,
      account: deal.account,
      ownerId: deal.ownerId,
      ownerName: deal.owner.name,
      status: deal.status,
      milestones,
      worstSlippageDays: Math.max(0, ...slips),
    };
  });

  const byMilestone = [...team.values()].sort((a, b) => a.milestoneIndex - b.milestoneIndex);
  for (const agg of byMilestone) {
    // Mean over the deals with a measured slippage (reached, or overdue on it).
    const measured = rows.flatMap((r) =>
      r.milestones.filter((m) => m.milestone === agg.milestone && m.slippageDays !== null),
    ).length;
    agg.averageSlippageDays =
      measured === 0 ? null : Math.round((agg.totalSlippageDays / measured) * 10) / 10;
  }
  return { asOf: asOfDay, deals: rows, team: byMilestone };
}
