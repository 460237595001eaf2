// The weekly project report (销售项目周报, issue 14): started by its own Temporal Schedule (Monday
// 09:00 Asia/Shanghai, like the weekly report), it mails every major deal's report for the week that
// just ended to the deal team, the owner and the owner's manager, each in their own language.
// Deterministic: the week, the deals and the recipients come from an activity. Each mail is keyed
// by (ISO week, deal, recipient), so a retry, a re-run or a manual trigger never mails twice.
//
// Why a schedule and not a timer in each deal's workflow: the report is read from the read model,
// not from the deal's state; a timer per deal would add history to every major deal and change the
// opportunity workflow (a patch); one schedule can be paused, triggered and caught up in one place.

import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { ProjectReportActivities } from '../src/contracts/project-reports';
import type { ErrorCode } from '../src/errors/codes';
import { WEEKLY_PLAN_ACTIVITY, WEEKLY_SEND_ACTIVITY } from './activity-options';

export interface ProjectReportsInput {
  /** The moment the reports are as of (ISO); default: when this run started. Tests pin it. */
  asOf?: string;
}

export interface ProjectReportsResult {
  isoWeek: string;
  deals: number;
  mails: number;
  /** Mails sent by this run (not counting ones an earlier run of the same week already sent). */
  sent: number;
}

const PARALLEL_SENDS = 4;

const { planProjectReports } = proxyActivities<ProjectReportActivities>(WEEKLY_PLAN_ACTIVITY);
const { sendProjectReport } = proxyActivities<ProjectReportActivities>(WEEKLY_SEND_ACTIVITY);

export async function projectReports(input: ProjectReportsInput = {}): Promise<ProjectReportsResult> {
  const asOf = input.asOf ?? new Date().toISOString();
  const plan = await planProjectReports({ asOf });
  const mails = plan.deals.flatMap((d) =>
    d.recipientIds.map((recipientId) => ({ opportunityId: d.opportunityId, recipientId })),
  );
  let sent = 0;
  const failed: string[] = [];
  for (let i = 0; i < mails.length; i += PARALLEL_SENDS) {
    const batch = mails.slice(i, i + PARALLEL_SENDS);
    const results = await Promise.allSettled(
      batch.map((m) => sendProjectReport({ ...m, isoWeek: plan.isoWeek, from: plan.from, to: plan.to })),
    );
    results.forEach((result, j) => {
      if (result.status === 'fulfilled') {
        if (!result.value.alreadySent) sent += 1;
        return;
      }
      const reason =
        result.reason instanceof ActivityFailure
          ? (result.reason.cause?.message ?? result.reason.message)
          : String(result.reason);
      const mail = batch[j]!;
      log.warn('project report not sent', { ...mail, isoWeek: plan.isoWeek, reason });
      failed.push(`${mail.opportunityId}/${mail.recipientId}`);
    });
  }
  if (failed.length > 0) {
    const code: ErrorCode = 'SERVICE_UNAVAILABLE';
    throw ApplicationFailure.create({
      type: code,
      message: `project reports ${plan.isoWeek}: ${failed.length} of ${mails.length} mails failed (${failed.join(', ')})`,
      nonRetryable: true,
    });
  }
  return { isoWeek: plan.isoWeek, deals: plan.deals.length, mails: mails.length, sent };
}
