// Working-day arithmetic for the contract window. Pure: no clock, no time-zone database.

export interface WorkCalendar {
  /** Offset of the team's local time from UTC, in minutes (China: +480). */
  readonly utcOffsetMinutes: number;
  /** Local dates ('YYYY-MM-DD') that are not working days. */
  readonly holidays: readonly string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

function localDate(epochMs: number, calendar: WorkCalendar): Date {
  // A Date shifted by the offset, read with getUTC*: its fields are the local calendar fields.
  return new Date(epochMs + calendar.utcOffsetMinutes * 60_000);
}

export function isWorkingDay(epochMs: number, calendar: WorkCalendar): boolean {
  const local = localDate(epochMs, calendar);
  const weekday = local.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !calendar.holidays.includes(local.toISOString().slice(0, 10));
}

/**
 * The moment `workingDays` Mon–Fri working days after `startMs`, at the same local time of day.
 * The start day itself never counts, so starting on a Friday and adding 1 lands on Monday; starting
 * on a Saturday and adding 1 also lands on Monday.
 */
export function addWorkingDays(startMs: number, workingDays: number, calendar: WorkCalendar): number {
  if (!Number.isInteger(workingDays) || workingDays < 0) {
    throw new RangeError(`workingDays must be a non-negative integer, got ${workingDays}`);
  }
  let cursor = startMs;
  let counted = 0;
  while (counted < workingDays) {
    cursor += DAY_MS;
    if (isWorkingDay(cursor, calendar)) counted += 1;
  }
  return cursor;
}
