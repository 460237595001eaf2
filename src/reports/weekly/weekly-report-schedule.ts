// The Temporal Schedule that starts the weekly report (销售项目周报). Created idempotently at the
// worker's start-up; an existing schedule gets the configured cron and action but keeps its paused
// state and note, so a pause survives restarts and deployments.
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import { ensureSchedule } from '../../temporal/ensure-schedule';
import { z } from '../../contracts/zod';
import { AppError } from '../../errors/app-error';
import { toAppError } from '../../temporal/errors';
import type { weeklyReport } from '../../../workflows/weekly-report';

export const WEEKLY_REPORT_WORKFLOW = 'weeklyReport';

/** One schedule per deployment: a deployment is a task queue (tests share one server, each with its own queue). */
export function weeklyReportScheduleId(taskQueue: string): string {
  return `weekly-report.${taskQueue}`;
}

export interface WeeklyReportScheduleOptions {
  taskQueue: string;
  /** Cron in the schedule's zone, e.g. '0 9 * * MON'. */
  cron: string;
  /** IANA zone the cron is read in, e.g. 'Asia/Shanghai'. */
  timeZone: string;
  scheduleId?: string;
}

function scheduleParts(options: WeeklyReportScheduleOptions) {
  const action: ScheduleOptionsStartWorkflowAction<typeof weeklyReport> = {
    type: 'startWorkflow',
    workflowType: WEEKLY_REPORT_WORKFLOW,
    // Temporal appends the scheduled time to this id, so each week's run has its own id.
    workflowId: `weekly-report.${options.taskQueue}`,
    taskQueue: options.taskQueue,
    args: [{}],
  };
  return {
    spec: { cronExpressions: [options.cron], timezone: options.timeZone },
    action,
    // A report still running when the next is due is left alone; an outage shorter than a day
    // still sends the week's report when the server is back.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' as const },
  };
}

export async function ensureWeeklyReportSchedule(
  client: Client,
  options: WeeklyReportScheduleOptions,
): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = options.scheduleId ?? weeklyReportScheduleId(options.taskQueue);
  const parts = scheduleParts(options);
  return ensureSchedule(client, scheduleId, parts);
}

export async function pauseWeeklyReportSchedule(
  client: Client,
  scheduleId: string,
  note = 'paused',
): Promise<void> {
  await client.schedule.getHandle(scheduleId).pause(note);
}

export async function resumeWeeklyReportSchedule(
  client: Client,
  scheduleId: string,
  note = 'resumed',
): Promise<void> {
  await client.schedule.getHandle(scheduleId).unpause(note);
}

export const ZWeeklyScheduleStateSchema = z
  .object({
    scheduleId: z.string(),
    paused: z.boolean(),
    note: z.string().nullable(),
    nextRuns: z.array(z.string()),
    recentRuns: z.array(z.object({ scheduledAt: z.string(), workflowId: z.string() })),
  })
  .openapi('WeeklyReportSchedule');
export type TWeeklyScheduleState = z.infer<typeof ZWeeklyScheduleStateSchema>;

export interface WeeklyReportScheduleControl {
  describe(): Promise<TWeeklyScheduleState>;
  pause(note: string): Promise<void>;
  resume(note: string): Promise<void>;
  trigger(note: string): Promise<void>;
}

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError)
      throw new AppError(
        'NOT_FOUND',
        'the weekly report schedule does not exist (no worker has started yet)',
      );
    throw toAppError(err);
  }
}

/** What the admin API may do with the schedule; errors come back as AppErrors (404, 503). */
export function createWeeklyReportScheduleControl(
  client: Client,
  scheduleId: string,
): WeeklyReportScheduleControl {
  const handle = () => client.schedule.getHandle(scheduleId);
  return {
    describe: () =>
      mapped(async () => {
        const d = await handle().describe();
        return {
          scheduleId,
          paused: d.state.paused,
          note: d.state.note ?? null,
          nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
          recentRuns: d.info.recentActions.map((a) => ({
            scheduledAt: a.scheduledAt.toISOString(),
            workflowId: a.action.workflow.workflowId,
          })),
        };
      }),
    pause: (note) => mapped(() => pauseWeeklyReportSchedule(client, scheduleId, note)),
    resume: (note) => mapped(() => resumeWeeklyReportSchedule(client, scheduleId, note)),
    // Even a paused schedule runs when triggered: an admin asked for it explicitly.
    trigger: () => mapped(() => handle().trigger(ScheduleOverlapPolicy.ALLOW_ALL)),
  };
}
