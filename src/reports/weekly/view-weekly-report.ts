// The weekly report of any past week as the page shows it: composed and worded by the same
// functions as the mail (composeWeeklyReport, weeklyReportContent), in the reader's language.
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import type { TMailLocale } from '../../mail/locale';
import {
  addDays,
  isoWeekOf,
  lastCompleteWeek,
  localDay,
  localDayStart,
  type ReportWeek,
} from '../report-period';
import type { TWeeklyView } from '../dashboard-schemas';
import { composeWeeklyReport } from './compose-weekly-report';
import { weeklyReportContent } from './weekly-report-content';

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/** The local week an ISO week label names; INVALID_INPUT for a week that does not exist. */
export function weekOf(isoWeek: string): ReportWeek {
  const m = ISO_WEEK.exec(isoWeek);
  const bad = () =>
    new AppError('INVALID_INPUT', `${isoWeek} is not an ISO week`, [
      { path: 'query.week', message: 'expected YYYY-Www naming a week that exists' },
    ]);
  if (!m) throw bad();
  const year = Number(m[1]);
  const week = Number(m[2]);
  // ISO week 1 is the week holding January 4th.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(
    jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000 + (week - 1) * 7 * 86_400_000,
  );
  const day = monday.toISOString().slice(0, 10);
  if (week < 1 || isoWeekOf(day) !== isoWeek) throw bad();
  const from = localDayStart(day);
  return { from, to: addDays(from, 7), isoWeek };
}

export async function viewWeeklyReport({
  prisma,
  recipientId,
  isoWeek,
  locale,
  now = new Date(),
}: {
  prisma: PrismaClient;
  recipientId: string;
  isoWeek: string | undefined;
  locale: TMailLocale;
  now?: Date;
}): Promise<TWeeklyView> {
  const week = isoWeek === undefined ? lastCompleteWeek(now) : weekOf(isoWeek);
  if (week.to.getTime() > now.getTime()) {
    throw new AppError('INVALID_INPUT', `week ${week.isoWeek} has not ended yet`, [
      { path: 'query.week', message: `the last complete week is ${lastCompleteWeek(now).isoWeek}` },
    ]);
  }
  // The mail is composed just after its week ends; a past week is read as of that moment too,
  // except the stalled list, which (as in the mail) is the deals stalled now.
  const asOf = isoWeek === undefined || week.isoWeek === lastCompleteWeek(now).isoWeek ? now : week.to;
  const data = await composeWeeklyReport({ prisma, recipientId, week, isoWeek: week.isoWeek, asOf });
  const content = weeklyReportContent({ ...data, recipient: { ...data.recipient, locale } });
  return {
    isoWeek: week.isoWeek,
    from: localDay(week.from),
    to: localDay(new Date(week.to.getTime() - 1)),
    recipient: { id: data.recipient.id, name: data.recipient.name },
    content,
  };
}
