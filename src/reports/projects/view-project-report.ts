// A deal's weekly project report of any past week as the page shows it: composed and worded by
// the same functions as the mail, in the reader's language.
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import type { TMailLocale } from '../../mail/locale';
import { lastCompleteWeek } from '../report-period';
import { weekOf } from '../weekly/view-weekly-report';
import { composeProjectReport } from './compose-project-report';
import { projectReportContent } from './project-report-content';
import type { TProjectReportView } from './schemas';

export async function viewProjectReport({
  prisma,
  opportunityId,
  isoWeek,
  reader,
  now = new Date(),
}: {
  prisma: PrismaClient;
  opportunityId: string;
  isoWeek: string | undefined;
  reader: { name: string; locale: TMailLocale };
  now?: Date;
}): Promise<TProjectReportView> {
  const week = isoWeek === undefined ? lastCompleteWeek(now) : weekOf(isoWeek);
  if (week.to.getTime() > now.getTime()) {
    throw new AppError('INVALID_INPUT', `week ${week.isoWeek} has not ended yet`, [
      { path: 'query.week', message: `the last complete week is ${lastCompleteWeek(now).isoWeek}` },
    ]);
  }
  const data = await composeProjectReport({ prisma, opportunityId, week });
  return {
    opportunityId,
    isoWeek: week.isoWeek,
    from: week.from.toISOString(),
    to: week.to.toISOString(),
    content: projectReportContent(data, reader),
  };
}
