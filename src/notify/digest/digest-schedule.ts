// The Temporal Schedule that starts the morning digest, created idempotently at the worker's
// start-up like the weekly report's (src/reports/weekly/weekly-report-schedule.ts): an existing
// schedule gets the configured cron, zone and action but keeps its paused state and note.
import {
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import { ensureSchedule } from '../../temporal/ensure-schedule';
import type { morningDigest } from '../../../workflows/morning-digest';

export const MORNING_DIGEST_WORKFLOW = 'morningDigest';

export function morningDigestScheduleId(taskQueue: string): string {
  return `morning-digest.${taskQueue}`;
}

export interface MorningDigestScheduleOptions {
  taskQueue: string;
  /** Cron in the schedule's zone; default DIGEST_CRON '30 8 * * *'. */
  cron: string;
  timeZone: string;
  scheduleId?: string;
}

function scheduleParts(options: MorningDigestScheduleOptions) {
  const action: ScheduleOptionsStartWorkflowAction<typeof morningDigest> = {
    type: 'startWorkflow',
    workflowType: MORNING_DIGEST_WORKFLOW,
    // Temporal appends the scheduled time, so each morning's run has its own id.
    workflowId: `morning-digest.${options.taskQueue}`,
    taskQueue: options.taskQueue,
    args: [{}],
  };
  return {
    spec: { cronExpressions: [options.cron], timezone: options.timeZone },
    action,
    // A digest is only worth it in the morning: an outage of a few hours still sends it, a day's does not.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '3 hours' as const },
  };
}

export async function ensureMorningDigestSchedule(
  client: Client,
  options: MorningDigestScheduleOptions,
): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = options.scheduleId ?? morningDigestScheduleId(options.taskQueue);
  const parts = scheduleParts(options);
  return ensureSchedule(client, scheduleId, parts);
}
