// The morning digest (每日摘要): started by a Temporal Schedule (08:30 Asia/Shanghai by default),
// it sends each rep, manager and director one message on a working morning: follow-ups due
// today, deals nearing their SLA, approvals waiting for them, claims about to lapse. The date and
// the recipients come from an activity; each message is keyed by (person, local date), so a
// retried activity, a re-run or a manual trigger on the same day never sends anyone a second one.

import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { DigestActivities } from '../src/contracts/digest';
import type { ErrorCode } from '../src/errors/codes';

export interface MorningDigestInput {
  /** The moment the digest is for (ISO); default: when this run started. Tests pin it. */
  asOf?: string;
}

export interface MorningDigestResult {
  date: string;
  workingDay: boolean;
  recipients: number;
  /** Messages sent by this run (not counting ones an earlier run of the same day already sent). */
  sent: number;
}

const PARALLEL_SENDS = 4;

const { planMorningDigest } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
  scheduleToCloseTimeout: '1 hour',
});
const { sendMorningDigest } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '2 minutes',
  // A platform's rate budget or an outage: retried; a digest later than lunch is not worth sending.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  scheduleToCloseTimeout: '4 hours',
});

export async function morningDigest(input: MorningDigestInput = {}): Promise<MorningDigestResult> {
  const asOf = input.asOf ?? new Date().toISOString();
  const plan = await planMorningDigest({ asOf });
  if (!plan.workingDay) return { date: plan.date, workingDay: false, recipients: 0, sent: 0 };
  let sent = 0;
  const failed: string[] = [];
  for (let i = 0; i < plan.recipientIds.length; i += PARALLEL_SENDS) {
    const batch = plan.recipientIds.slice(i, i + PARALLEL_SENDS);
    const results = await Promise.allSettled(
      batch.map((recipientId) => sendMorningDigest({ recipientId, date: plan.date, asOf })),
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
      log.warn('morning digest not sent', { recipientId: batch[j], date: plan.date, reason });
      failed.push(batch[j]!);
    });
  }
  if (failed.length > 0) {
    const code: ErrorCode = 'SERVICE_UNAVAILABLE';
    throw ApplicationFailure.create({
      type: code,
      message: `morning digest ${plan.date}: ${failed.length} of ${plan.recipientIds.length} not sent (${failed.join(', ')})`,
      nonRetryable: true,
    });
  }
  return { date: plan.date, workingDay: true, recipients: plan.recipientIds.length, sent };
}
