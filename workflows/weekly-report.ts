// The weekly report (销售项目周报): started by a Temporal Schedule (Monday 09:00 Asia/Shanghai by
// default), it mails every manager and director their team's report for the week that just ended.
// Deterministic: the week and the recipients come from an activity, and "now" is workflow time.
// Each mail is keyed by (ISO week, recipient), so a retried activity, a re-run or a manual
// trigger in the same week never mails anyone twice.

import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../src/contracts/activities';
import { WEEKLY_PLAN_ACTIVITY, WEEKLY_SEND_ACTIVITY } from './activity-options';
import type { ErrorCode } from '../src/errors/codes';

export interface WeeklyReportInput {
  /** The moment the report is as of (ISO); default: when this run started. Tests pin it. */
  asOf?: string;
}

export interface WeeklyReportResult {
  isoWeek: string;
  recipients: number;
  /** Mails sent by this run (not counting ones an earlier run of the same week already sent). */
  sent: number;
}

/** Bounded so a large organisation does not hit the database with every report at once. */
const PARALLEL_SENDS = 4;

const { planWeeklyReport } = proxyActivities<Activities>(WEEKLY_PLAN_ACTIVITY);
const { sendWeeklyReport } = proxyActivities<Activities>(WEEKLY_SEND_ACTIVITY);

export async function weeklyReport(input: WeeklyReportInput = {}): Promise<WeeklyReportResult> {
  const asOf = input.asOf ?? new Date().toISOString();
  const plan = await planWeeklyReport({ asOf });
  let sent = 0;
  const failed: string[] = [];
  for (let i = 0; i < plan.recipientIds.length; i += PARALLEL_SENDS) {
    const batch = plan.recipientIds.slice(i, i + PARALLEL_SENDS);
    const results = await Promise.allSettled(
      batch.map((recipientId) =>
        sendWeeklyReport({ recipientId, isoWeek: plan.isoWeek, from: plan.from, to: plan.to, asOf }),
      ),
    );
    results.forEach((result, j) => {
      if (result.status === 'fulfilled') {
        if (!result.value.alreadySent) sent += 1;
        return;
      }
      // One recipient's failure must not keep the others from their report.
      const reason =
        result.reason instanceof ActivityFailure
          ? (result.reason.cause?.message ?? result.reason.message)
          : String(result.reason);
      log.warn('weekly report not sent', { recipientId: batch[j], isoWeek: plan.isoWeek, reason });
      failed.push(batch[j]!);
    });
  }
  if (failed.length > 0) {
    // Failing the run makes it visible in Temporal (and to the schedule's recent actions).
    const code: ErrorCode = 'SERVICE_UNAVAILABLE';
    throw ApplicationFailure.create({
      type: code,
      message: `weekly report ${plan.isoWeek}: ${failed.length} of ${plan.recipientIds.length} mails failed (${failed.join(', ')})`,
      nonRetryable: true,
    });
  }
  return { isoWeek: plan.isoWeek, recipients: plan.recipientIds.length, sent };
}
