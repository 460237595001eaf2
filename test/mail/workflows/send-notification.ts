// A minimal workflow for the email activity's Temporal test: it only calls sendNotification,
// with a fast retry policy so the test sees Temporal's own retries within seconds.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities, NotificationRequest } from '../../../src/contracts/activities';

const { sendNotification } = proxyActivities<Pick<Activities, 'sendNotification'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '200 ms', backoffCoefficient: 1.5, maximumInterval: '1 s', maximumAttempts: 50 },
});

export async function sendNotificationWorkflow(req: NotificationRequest): Promise<void> {
  await sendNotification(req);
}
