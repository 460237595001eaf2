// The Temporal Schedule that starts the weekly project reports (workflows/project-reports.ts).
// Created idempotently at the worker's start-up beside the weekly report's; an existing schedule
// gets the configured cron and action but keeps its paused state, so a pause survives restarts.
import {
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import { ensureSchedule } from '../../temporal/ensure-schedule';
import type { projectReports } from '../../../workflows/project-reports';

export const PROJECT_REPORTS_WORKFLOW = 'projectReports';

export function projectReportsScheduleId(taskQueue: string): string {
  return `project-reports.${taskQueue}`;
}

export async function ensureProjectReportsSchedule(
  client: Client,
  options: { taskQueue: string; cron: string; timeZone: string; scheduleId?: string },
): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = options.scheduleId ?? projectReportsScheduleId(options.taskQueue);
  const action: ScheduleOptionsStartWorkflowAction<typeof projectReports> = {
    type: 'startWorkflow',
    workflowType: PROJECT_REPORTS_WORKFLOW,
    // Temporal appends the scheduled time, so each week's run has its own id.
    workflowId: `project-reports.${options.taskQueue}`,
    taskQueue: options.taskQueue,
    args: [{}],
  };
  const parts = {
    spec: { cronExpressions: [options.cron], timezone: options.timeZone },
    action,
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' as const },
  };
  return ensureSchedule(client, scheduleId, parts);
}
