// Gathers one recipient's weekly report from the same report functions the API serves, so the
// mail and the API never disagree: the week's movement (and the week before, for comparison),
// progress against plan, the stalled deals, velocity and bottlenecks over a trailing window.
import type { PrismaClient } from '../../db/prisma';
import { subtreeUserIds } from '../../auth/reporting-line';
import { buildForecast, type ForecastReport } from '../build-forecast';
import type { TForecastLine } from '../schemas';
import { forecastByDirectReport } from './forecast-by-direct-report';
import { findBottlenecks, type BottleneckReport } from '../find-bottlenecks';
import { measureMovement, type MovementReport } from '../measure-movement';
import {
  addDays,
  localDay,
  quarterContaining,
  storedDateToLocalStart,
  type ReportPeriod,
} from '../report-period';
import { localeFromDb, type TMailLocale } from '../../mail/locale';
import { composeCustomerWeek, type CustomerWeekData } from '../customers/weekly-customer-section';

/** Velocity and bottlenecks need more deals than one week has: they look back this far. */
export const TRAILING_DAYS = 90;
/** The stalled list shows the longest-stalled deals first, up to this many. */
export const STALLED_LIST_LIMIT = 20;

export interface StalledDeal {
  id: string;
  name: string;
  account: string;
  ownerName: string;
  milestone: string;
  daysInStage: number;
  escalationLevel: number;
  amount: number;
}

export interface WeeklyReportData {
  recipient: { id: string; name: string; email: string; locale: TMailLocale };
  isoWeek: string;
  week: ReportPeriod;
  asOf: Date;
  teamSize: number;
  /** `byDirectReport`: one line per person reporting to the recipient, covering their whole line. */
  plan: { period: ReportPeriod; elapsed: number; forecast: ForecastReport; byDirectReport: TForecastLine[] };
  thisWeek: MovementReport;
  lastWeek: MovementReport;
  trailing: { period: ReportPeriod; movement: MovementReport; bottlenecks: BottleneckReport };
  stalledDeals: StalledDeal[];
  /** The customer section (issue 11); null for a line without accounts (the section is left out). */
  customers: CustomerWeekData | null;
}

/**
 * The plan period: the target period shared by most of the team's targets that cover the week's
 * last day; the local calendar quarter when nobody has a target for it.
 */
async function planPeriod(
  prisma: PrismaClient,
  userIds: string[],
  week: ReportPeriod,
): Promise<ReportPeriod> {
  const lastDay = new Date(`${localDay(new Date(week.to.getTime() - 1))}T00:00:00Z`);
  const periods = await prisma.salesTarget.groupBy({
    by: ['periodStart', 'periodEnd'],
    where: { userId: { in: userIds }, periodStart: { lte: lastDay }, periodEnd: { gte: lastDay } },
    _count: { userId: true },
  });
  const best = periods.sort(
    // Most users first; on a tie the period ending soonest (a quarter before the year it is in).
    (a, b) =>
      b._count.userId - a._count.userId ||
      a.periodEnd.getTime() - b.periodEnd.getTime() ||
      b.periodStart.getTime() - a.periodStart.getTime(),
  )[0];
  if (!best) return quarterContaining(new Date(week.to.getTime() - 1));
  return {
    from: storedDateToLocalStart(best.periodStart),
    to: addDays(storedDateToLocalStart(best.periodEnd), 1),
  };
}

async function stalledDeals(prisma: PrismaClient, userIds: string[], asOf: Date): Promise<StalledDeal[]> {
  const rows = await prisma.opportunity.findMany({
    where: { status: 'open', stalled: true, ownerId: { in: userIds } },
    orderBy: [{ stageEnteredAt: 'asc' }, { id: 'asc' }],
    take: STALLED_LIST_LIMIT,
    include: { owner: { select: { name: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    account: r.account,
    ownerName: r.owner.name,
    milestone: r.milestone,
    daysInStage: Math.max(0, Math.floor((asOf.getTime() - r.stageEnteredAt.getTime()) / 86_400_000)),
    escalationLevel: r.escalationLevel,
    amount: Number(r.amount),
  }));
}

export async function composeWeeklyReport({
  prisma,
  recipientId,
  week,
  isoWeek,
  asOf,
}: {
  prisma: PrismaClient;
  recipientId: string;
  week: ReportPeriod;
  isoWeek: string;
  asOf: Date;
}): Promise<WeeklyReportData> {
  const recipient = await prisma.user.findUniqueOrThrow({ where: { id: recipientId } });
  const team = await subtreeUserIds(prisma, recipientId);
  const scope = { prisma, scopeUserIds: team };
  const plan = await planPeriod(prisma, team, week);
  const trailing: ReportPeriod = { from: addDays(week.to, -TRAILING_DAYS), to: week.to };
  const [forecast, thisWeek, lastWeek, trailingMovement, bottlenecks, stalled] = await Promise.all([
    buildForecast({ ...scope, ...plan }),
    measureMovement({ ...scope, ...week, asOf }),
    measureMovement({ ...scope, from: addDays(week.from, -7), to: week.from, asOf }),
    measureMovement({ ...scope, ...trailing, asOf }),
    findBottlenecks({ ...scope, ...trailing }),
    stalledDeals(prisma, team, asOf),
  ]);
  const span = plan.to.getTime() - plan.from.getTime();
  return {
    recipient: {
      id: recipient.id,
      name: recipient.name,
      email: recipient.email,
      locale: localeFromDb(recipient.locale),
    },
    isoWeek,
    week,
    asOf,
    teamSize: team.length,
    plan: {
      period: plan,
      elapsed: Math.min(1, Math.max(0, (asOf.getTime() - plan.from.getTime()) / span)),
      forecast,
      byDirectReport: await forecastByDirectReport(prisma, recipientId, team, forecast),
    },
    thisWeek,
    lastWeek,
    trailing: { period: trailing, movement: trailingMovement, bottlenecks },
    stalledDeals: stalled,
    customers: await composeCustomerWeek({ prisma, team, week, trailing, asOf }),
  };
}
