// Report periods are half-open instants [from, to). People name them in local calendar days, so
// date-only bounds are read on the sales team's calendar (the process definition's work calendar),
// never the server's zone: "2026-01-01" means midnight in Shanghai wherever the API runs.
import { PSM_PROCESS } from '../../workflows/psm-process';

const DAY_MS = 24 * 60 * 60 * 1000;
const OFFSET_MS = PSM_PROCESS.workCalendar.utcOffsetMinutes * 60 * 1000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface ReportPeriod {
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** A 'YYYY-MM-DD' string naming a day that exists (not 2026-02-30). */
export function isRealDay(value: string): boolean {
  if (!DATE_ONLY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Local midnight, as an instant, of a 'YYYY-MM-DD' day on the team's calendar. */
export function localDayStart(day: string): Date {
  const m = DATE_ONLY.exec(day);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - OFFSET_MS);
}

/** The team-calendar day an instant falls on, as 'YYYY-MM-DD'. */
export function localDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/** A bound as given in a query: a date-only `to` includes that whole day. */
export function parsePeriodBound(value: string, edge: 'from' | 'to'): Date {
  if (DATE_ONLY.test(value)) {
    const start = localDayStart(value);
    return edge === 'to' ? addDays(start, 1) : start;
  }
  return new Date(value);
}

/**
 * A stored date-only value (Prisma returns a DATE as UTC midnight) as the local day's start.
 * SalesTarget periods are inclusive days on the team's calendar.
 */
export function storedDateToLocalStart(date: Date): Date {
  return localDayStart(date.toISOString().slice(0, 10));
}

/** A 'YYYY-MM-DD' day as the value Prisma stores in a DATE column. */
export function dayToStoredDate(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** Milliseconds the two periods share; 0 when disjoint. */
export function overlapMs(a: ReportPeriod, b: ReportPeriod): number {
  return Math.max(0, Math.min(a.to.getTime(), b.to.getTime()) - Math.max(a.from.getTime(), b.from.getTime()));
}

export interface ReportWeek extends ReportPeriod {
  /** ISO-8601 week of the period, e.g. '2026-W03' (the Monday's ISO year). */
  isoWeek: string;
}

/** ISO week label of a local 'YYYY-MM-DD' day. */
export function isoWeekOf(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  // The ISO year is the year of the week's Thursday.
  const thursday = new Date(d.getTime() + (3 - weekday) * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(isoYear, 0, 4));
  const firstMonday = new Date(firstThursday.getTime() - ((firstThursday.getUTCDay() + 6) % 7) * DAY_MS);
  const week = Math.floor((thursday.getTime() - firstMonday.getTime()) / (7 * DAY_MS)) + 1;
  return `${isoYear}-W${String(week).padStart(2, '0')}`;
}

/**
 * The last complete local week (Monday 00:00 to Monday 00:00) before `asOf`. A report run on
 * Monday 09:00 covers the week that just ended, whatever hour the schedule is moved to.
 */
export function lastCompleteWeek(asOf: Date): ReportWeek {
  const today = localDay(asOf);
  const weekday = (new Date(`${today}T00:00:00.000Z`).getUTCDay() + 6) % 7;
  const thisMonday = addDays(localDayStart(today), -weekday);
  const from = addDays(thisMonday, -7);
  return { from, to: thisMonday, isoWeek: isoWeekOf(localDay(from)) };
}

/** The local calendar quarter containing `at`: the plan period when nobody set a target. */
export function quarterContaining(at: Date): ReportPeriod {
  const [year, month] = localDay(at).split('-').map(Number) as [number, number];
  const firstMonth = Math.floor((month - 1) / 3) * 3;
  const day = (y: number, m: number) =>
    `${y + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
  return { from: localDayStart(day(year, firstMonth)), to: localDayStart(day(year, firstMonth + 3)) };
}
