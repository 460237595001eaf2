// Create-or-update of a Temporal Schedule at the worker's start-up, shared by the weekly report,
// the project reports and the morning digest. A new schedule is created with a start-up note; an
// existing one gets the given spec, action and policies but keeps its state (paused flag and
// note), so a pause survives restarts and deployments.
import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';

export type EnsuredScheduleParts = Pick<ScheduleOptions, 'spec' | 'action' | 'policies'>;

export async function ensureSchedule(
  client: Client,
  scheduleId: string,
  parts: EnsuredScheduleParts,
): Promise<{ scheduleId: string; created: boolean }> {
  try {
    await client.schedule.create({ scheduleId, ...parts, state: { note: 'created at start-up' } });
    return { scheduleId, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule
    .getHandle(scheduleId)
    .update((previous) => ({ ...previous, ...parts, state: previous.state }));
  return { scheduleId, created: false };
}
