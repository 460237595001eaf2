// The weekly project report (销售项目周报) of one major deal for one week, from what actually
// happened (read model): milestones reached, activities logged, risks opened and closed (plan
// versions recorded in the week against the plan before it), slippage per planned milestone as of
// the week's end, and the next steps (the next planned milestones, the customer's decision date).
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import { localDay, type ReportWeek } from '../report-period';
import { milestoneSlippage } from './milestone-slippage';
import type { z } from '../../contracts/zod';
import type { ZMilestoneSlippageSchema } from './schemas';

export interface PlanRiskFacts {
  risk: string;
  ownerId: string;
  mitigation: string;
}

export interface ProjectReportData {
  opportunityId: string;
  name: string;
  account: string;
  amount: number;
  currency: string;
  ownerId: string;
  ownerName: string;
  status: string;
  milestone: string;
  isoWeek: string;
  from: string;
  to: string;
  reached: { milestone: string; reachedAt: string; skipped: boolean }[];
  activities: { kind: string; occurredAt: string; note: string; actorName: string }[];
  risksOpened: PlanRiskFacts[];
  risksClosed: PlanRiskFacts[];
  openRisks: PlanRiskFacts[];
  slippage: z.infer<typeof ZMilestoneSlippageSchema>[];
  nextSteps: { milestone: string; plannedDate: string; overdue: boolean }[];
  decisionDate: string | null;
  team: { userId: string; name: string; role: string }[];
}

const day = (date: Date | null): string | null => (date === null ? null : date.toISOString().slice(0, 10));

function risksOf(payload: unknown): PlanRiskFacts[] {
  const risks = (payload as { risks?: unknown } | null)?.risks;
  if (!Array.isArray(risks)) return [];
  return risks.filter(
    (r): r is PlanRiskFacts =>
      typeof r === 'object' && r !== null && typeof (r as PlanRiskFacts).risk === 'string',
  );
}

export async function composeProjectReport({
  prisma,
  opportunityId,
  week,
}: {
  prisma: PrismaClient;
  opportunityId: string;
  week: ReportWeek;
}): Promise<ProjectReportData> {
  const deal = await prisma.opportunity.findUnique({
    where: { id: opportunityId },
    include: { owner: { select: { name: true } } },
  });
  if (!deal) throw new AppError('NOT_FOUND', `no deal ${opportunityId}`);
  const inWeek = { gte: week.from, lt: week.to };
  const [reached, activities, planEvents, plans, members] = await Promise.all([
    prisma.milestoneEvent.findMany({
      where: { opportunityId, enteredAt: inWeek },
      orderBy: { milestoneIndex: 'asc' },
    }),
    prisma.salesActivity.findMany({
      where: { opportunityId, occurredAt: inWeek },
      orderBy: [{ occurredAt: 'asc' }, { seq: 'asc' }],
    }),
    prisma.opportunityEvent.findMany({
      where: { opportunityId, type: 'project_plan_recorded', occurredAt: { lt: week.to } },
      orderBy: { seq: 'asc' },
    }),
    prisma.milestonePlan.findMany({ where: { opportunityId }, orderBy: { milestoneIndex: 'asc' } }),
    prisma.opportunityTeamMember.findMany({ where: { opportunityId }, orderBy: { addedAt: 'asc' } }),
  ]);

  const before = planEvents.filter((e) => e.occurredAt < week.from).at(-1);
  const latest = planEvents.at(-1);
  const risksBefore = risksOf(before?.payload ?? null);
  const risksNow = risksOf(latest?.payload ?? null);
  const named = (list: PlanRiskFacts[]) => new Set(list.map((r) => r.risk));
  const beforeNames = named(risksBefore);
  const nowNames = named(risksNow);

  const people = await prisma.user.findMany({
    where: {
      id: { in: [...new Set([...activities.map((a) => a.actorId), ...members.map((m) => m.userId)])] },
    },
    select: { id: true, name: true },
  });
  const nameOf = (id: string) => people.find((p) => p.id === id)?.name ?? id;

  // Slippage as of the week's last day: a report re-read later says what it said then.
  const lastDay = localDay(new Date(week.to.getTime() - 1));
  const open = deal.status === 'open' || deal.status === 'on_hold';
  const planned = plans.filter((p) => p.plannedDate !== null);
  const slippage = planned.map((p) =>
    milestoneSlippage(
      {
        milestone: p.milestone,
        milestoneIndex: p.milestoneIndex,
        plannedDate: day(p.plannedDate)!,
        // Reached after the week: not yet, as of the week.
        actualDate: p.actualDate !== null && day(p.actualDate)! <= lastDay ? day(p.actualDate) : null,
      },
      lastDay,
      open,
    ),
  );

  return {
    opportunityId,
    name: deal.name,
    account: deal.account,
    amount: Number(deal.amount),
    currency: deal.currency,
    ownerId: deal.ownerId,
    ownerName: deal.owner.name,
    status: deal.status,
    milestone: deal.milestone,
    isoWeek: week.isoWeek,
    from: week.from.toISOString(),
    to: week.to.toISOString(),
    reached: reached.map((m) => ({
      milestone: m.milestone,
      reachedAt: m.enteredAt.toISOString(),
      skipped: m.skipped,
    })),
    activities: activities.map((a) => ({
      kind: a.kind,
      occurredAt: a.occurredAt.toISOString(),
      note: a.note,
      actorName: nameOf(a.actorId),
    })),
    risksOpened: risksNow.filter((r) => !beforeNames.has(r.risk)),
    risksClosed: risksBefore.filter((r) => !nowNames.has(r.risk)),
    openRisks: risksNow,
    slippage,
    nextSteps: slippage
      .filter((s) => s.actualDate === null && open)
      .slice(0, 2)
      .map((s) => ({ milestone: s.milestone, plannedDate: s.plannedDate, overdue: s.status === 'overdue' })),
    decisionDate: day(deal.decisionDate),
    team: members.map((m) => ({ userId: m.userId, name: nameOf(m.userId), role: m.role })),
  };
}
