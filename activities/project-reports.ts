// The weekly project report's activities: plan the run, send one (deal, recipient) report at most
// once per week. Refusals that can never succeed become non-retryable failures.
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../src/db/prisma';
import { AppError } from '../src/errors/app-error';
import type { MailSender } from '../src/mail/transport';
import type { ProjectReportActivities } from '../src/contracts/project-reports';
import { planProjectReports } from '../src/reports/projects/plan-project-reports';
import { sendProjectReport, type SendProjectReportDeps } from '../src/reports/projects/send-project-report';
import { WeeklyReportRetry } from '../src/reports/weekly/send-weekly-report';

function validDate(value: string, what: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw ApplicationFailure.create({
      type: 'INVALID_INPUT',
      message: `${what} is not an ISO date: ${value}`,
      nonRetryable: true,
    });
  return date;
}

export function createProjectReportActivities(
  options: SendProjectReportDeps & { prisma: PrismaClient; sender: MailSender; from: string },
): ProjectReportActivities {
  return {
    async planProjectReports({ asOf }) {
      return planProjectReports({ prisma: options.prisma, asOf: validDate(asOf, 'asOf') });
    },
    async sendProjectReport(request) {
      validDate(request.from, 'from');
      validDate(request.to, 'to');
      try {
        return await sendProjectReport(options, request);
      } catch (err) {
        // A rate budget or an IM outage: retried on the same channel when it frees up.
        if (err instanceof WeeklyReportRetry)
          throw ApplicationFailure.create({
            type: 'SERVICE_UNAVAILABLE',
            message: err.message,
            nonRetryable: false,
            ...(err.retryInMs ? { nextRetryDelay: Math.max(200, err.retryInMs) } : {}),
          });
        if (err instanceof AppError && err.status < 500)
          throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
        throw err;
      }
    },
  };
}
