// The weekly report's activities: plan the run (which week, who gets it) and send one recipient's
// report at most once per week. Refusals that can never succeed become non-retryable failures.
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../src/db/prisma';
import { AppError } from '../src/errors/app-error';
import type { MailSender } from '../src/mail/transport';
import { planWeeklyReport } from '../src/reports/weekly/plan-weekly-report';
import {
  sendWeeklyReport,
  WeeklyReportRetry,
  type SendWeeklyReportDeps,
} from '../src/reports/weekly/send-weekly-report';
import type { Activities } from '../src/contracts/activities';

export interface ReportActivitiesOptions extends SendWeeklyReportDeps {
  prisma: PrismaClient;
  sender: MailSender;
  /** MAIL_FROM. */
  from: string;
}

function validDate(value: string, what: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw ApplicationFailure.create({
      type: 'INVALID_INPUT',
      message: `${what} is not an ISO date: ${value}`,
      nonRetryable: true,
    });
  }
  return date;
}

export function createReportActivities(
  options: ReportActivitiesOptions,
): Pick<Activities, 'planWeeklyReport' | 'sendWeeklyReport'> {
  return {
    async planWeeklyReport({ asOf }) {
      return planWeeklyReport({ prisma: options.prisma, asOf: validDate(asOf, 'asOf') });
    },

    async sendWeeklyReport(request) {
      for (const [what, value] of [
        ['from', request.from],
        ['to', request.to],
        ['asOf', request.asOf],
      ] as const)
        validDate(value, what);
      try {
        return await sendWeeklyReport(options, request);
      } catch (err) {
        // A rate budget or an IM outage: retried on the same channel when it frees up.
        if (err instanceof WeeklyReportRetry)
          throw ApplicationFailure.create({
            type: 'SERVICE_UNAVAILABLE',
            message: err.message,
            nonRetryable: false,
            ...(err.retryInMs ? { nextRetryDelay: Math.max(200, err.retryInMs) } : {}),
          });
        if (err instanceof AppError && err.status < 500) {
          throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
        }
        throw err;
      }
    },
  };
}
