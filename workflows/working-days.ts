// Working-day arithmetic for the deal's clocks. Pure: no clock, no time-zone database.

import type { PublishedYear } from './china-work-calendar';

export interface WorkCalendar {
  /** Offset of the team's local time from UTC, in minutes (China: +480). */
  readonly utcOffsetMinutes: number;
  /** Local dates ('YYYY-MM-DD') that are not working days. */
  readonly holidays: readonly string[];
  /** Local weekend dates that are working days (China's 调休/补班 make-up days). */
  readonly makeUpWorkdays?: readonly string[];
  /**
   * The years whose schedule is known. A day in any other year counts Monday to Friday and makes
   * a due date reaching it provisional. Absent: every year is as given (a plain Mon–Fri calendar).
   */
  readonly publishedYears?: readonly number[];
}

/** How a clock counts its days: every day, or working days on the process's work calendar. */
export type DayCounting = 'calendar' | 'working';

export interface Due {
  readonly dueAt: number;
  /** The count crossed a year whose schedule is not published yet: Mon–Fri was assumed there. */
  readonly provisional: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

interface CalendarIndex {
  holidays: ReadonlySet<string>;
  makeUpWorkdays: ReadonlySet<string>;
  publishedYears: ReadonlySet<number> | null;
}

// Calendars are module-level constants, so one index each; a WeakMap keeps this pure and bounded.
const indexes = new WeakMap<WorkCalendar, CalendarIndex>();

function indexOf(calendar: WorkCalendar): CalendarIndex {
  let index = indexes.get(calendar);
  if (!index) {
    index = {
      holidays: new Set(calendar.holidays),
      makeUpWorkdays: new Set(calendar.makeUpWorkdays ?? []),
      publishedYears: calendar.publishedYears ? new Set(calendar.publishedYears) : null,
    };
    indexes.set(calendar, index);
  }
  return index;
}

function localDate(epochMs: number, calendar: WorkCalendar): Date {
  // A Date shifted by the offset, read with getUTC*: its fields are the local calendar fields.
  return new Date(epochMs + calendar.utcOffsetMinutes * 60_000);
}

/** Whether the local day of `epochMs` has a published schedule on this calendar. */
export function isPublishedDay(epochMs: number, calendar: WorkCalendar): boolean {
  const years = indexOf(calendar).publishedYears;
  return years === null || years.has(localDate(epochMs, calendar).getUTCFullYear());
}

export function isWorkingDay(epochMs: number, calendar: WorkCalendar): boolean {
  const local = localDate(epochMs, calendar);
  const weekday = local.getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  if (!isPublishedDay(epochMs, calendar)) return !weekend;
  const day = local.toISOString().slice(0, 10);
  const index = indexOf(calendar);
  if (weekend) return index.makeUpWorkdays.has(day);
  return !index.holidays.has(day);
}

/**
 * The moment `workingDays` working days after `startMs`, at the same local time of day, and
 * whether a year without a published schedule was on the way. The start day itself never counts,
 * so starting on a Friday and adding 1 lands on the next working day (Monday, or a make-up
 * Saturday); starting on a Saturday and adding 1 also lands on the next working day.
 */
export function workingDaysDue(startMs: number, workingDays: number, calendar: WorkCalendar): Due {
  if (!Number.isInteger(workingDays) || workingDays < 0) {
    throw new RangeError(`workingDays must be a non-negative integer, got ${workingDays}`);
  }
  let cursor = startMs;
  let counted = 0;
  let provisional = false;
  while (counted < workingDays) {
    cursor += DAY_MS;
    if (!isPublishedDay(cursor, calendar)) provisional = true;
    if (isWorkingDay(cursor, calendar)) counted += 1;
  }
  return { dueAt: cursor, provisional };
}

export function addWorkingDays(startMs: number, workingDays: number, calendar: WorkCalendar): number {
  return workingDaysDue(startMs, workingDays, calendar).dueAt;
}

/** `days` after `startMs`, counted as the clock says: calendar days, or working days. */
export function dueAfter(startMs: number, days: number, counting: DayCounting, calendar: WorkCalendar): Due {
  if (counting === 'working') return workingDaysDue(startMs, Math.ceil(days), calendar);
  return { dueAt: startMs + days * DAY_MS, provisional: false };
}

/** A work calendar from published years: their days off and make-up days; other years Mon–Fri. */
export function calendarFromPublishedYears(
  utcOffsetMinutes: number,
  years: Readonly<Record<number, PublishedYear>>,
): WorkCalendar {
  const holidays: string[] = [];
  const makeUpWorkdays: string[] = [];
  for (const year of Object.values(years)) {
    for (const [first, last] of year.off) {
      for (
        let day = Date.parse(`${first}T00:00:00Z`);
        day <= Date.parse(`${last}T00:00:00Z`);
        day += DAY_MS
      ) {
        holidays.push(new Date(day).toISOString().slice(0, 10));
      }
    }
    makeUpWorkdays.push(...year.makeUpWorkdays);
  }
  return {
    utcOffsetMinutes,
    holidays,
    makeUpWorkdays,
    publishedYears: Object.keys(years).map(Number),
  };
}
