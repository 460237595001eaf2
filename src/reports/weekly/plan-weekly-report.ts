// Which week a weekly-report run covers and who receives it.
import type { PrismaClient } from '../../db/prisma';
import type { WeeklyReportPlan } from '../../contracts/activities';
import { lastCompleteWeek } from '../report-period';

export async function planWeeklyReport({
  prisma,
  asOf,
}: {
  prisma: PrismaClient;
  asOf: Date;
}): Promise<WeeklyReportPlan> {
  const week = lastCompleteWeek(asOf);
  const recipients = await prisma.user.findMany({
    where: { active: true, role: { in: ['manager', 'director'] } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return {
    isoWeek: week.isoWeek,
    from: week.from.toISOString(),
    to: week.to.toISOString(),
    recipientIds: recipients.map((r) => r.id),
  };
}
