// Which day the digest is for and who gets it: the local date in DIGEST_TIMEZONE, whether it is a
// working day on the process's work calendar (weekends and China's days off are not; 调休/补班
// make-up days are), and every active rep, manager and director.
import type { DigestPlan } from '../../contracts/digest';
import type { PrismaClient } from '../../db/prisma';
import { PSM_PROCESS } from '../../../workflows/psm-process';
import { isWorkingDay } from '../../../workflows/working-days';
import { localDate } from './digest-content';

export async function planDigest(prisma: PrismaClient, asOf: Date, timeZone: string): Promise<DigestPlan> {
  const date = localDate(asOf, timeZone);
  // The calendar's own offset decides its days; noon of the local date is safely inside that day.
  const workingDay = isWorkingDay(
    Date.parse(`${date}T12:00:00Z`) - PSM_PROCESS.workCalendar.utcOffsetMinutes * 60_000,
    PSM_PROCESS.workCalendar,
  );
  if (!workingDay) return { date, workingDay, recipientIds: [] };
  const users = await prisma.user.findMany({
    where: { active: true, role: { in: ['rep', 'manager', 'director'] } },
    orderBy: { id: 'asc' },
    select: { id: true },
  });
  return { date, workingDay, recipientIds: users.map((u) => u.id) };
}
