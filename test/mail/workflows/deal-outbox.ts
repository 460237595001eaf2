// A deal's outbox in miniature, with the product's email activity options: mails go one at a
// time, and a mail that fails non-retryably is recorded and skipped, as the opportunity workflow's
// drainOutbox does (it journals notification_failed).
import { proxyActivities } from '@temporalio/workflow';
import type { Activities, NotificationRequest } from '../../../src/contracts/activities';
import { NOTIFICATION_ACTIVITY } from '../../../workflows/activity-options';

const { sendNotification } = proxyActivities<Pick<Activities, 'sendNotification'>>(NOTIFICATION_ACTIVITY);

export async function dealOutboxWorkflow(requests: NotificationRequest[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const request of requests) {
    try {
      await sendNotification(request);
      outcomes.push('sent');
    } catch (err) {
      const cause = (err as { cause?: { type?: string } }).cause;
      outcomes.push(`failed:${cause?.type ?? 'unknown'}`);
    }
  }
  return outcomes;
}
