// China's working-day calendar with exact dates (issue 14): the days off and the make-up working
// days of the published years, a year not yet published, and the measured contract windows.

import { PSM_PROCESS } from '../../workflows/psm-process';
import {
  addWorkingDays,
  calendarFromPublishedYears,
  dueAfter,
  isWorkingDay,
  workingDaysDue,
} from '../../workflows/working-days';

const china = PSM_PROCESS.workCalendar;
/** Local noon in China on a 'YYYY-MM-DD' day, as an instant. */
const noon = (day: string) => Date.parse(`${day}T12:00:00+08:00`);
/** The China-local day an instant falls on. */
const chinaDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const dueDay = (from: string, days: number) => chinaDay(addWorkingDays(noon(from), days, china));

describe('National Day 2026 (国务院办公厅 2026 notice)', () => {
  test.each([
    '2026-10-01',
    '2026-10-02',
    '2026-10-03',
    '2026-10-04',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ])('%s is off', (day) => expect(isWorkingDay(noon(day), china)).toBe(false));
  test('Sunday 9/20 and Saturday 10/10 are working days (补班)', () => {
    expect(new Date(noon('2026-09-20')).getUTCDay()).toBe(0);
    expect(new Date(noon('2026-10-10')).getUTCDay()).toBe(6);
    expect(isWorkingDay(noon('2026-09-20'), china)).toBe(true);
    expect(isWorkingDay(noon('2026-10-10'), china)).toBe(true);
  });
  test('Mid-Autumn Friday 9/25 is off; the weekend after 10/10 is an ordinary one', () => {
    expect(isWorkingDay(noon('2026-09-25'), china)).toBe(false);
    expect(isWorkingDay(noon('2026-10-11'), china)).toBe(false);
    expect(isWorkingDay(noon('2026-10-08'), china)).toBe(true);
  });
  test('the working day after Wednesday 9/30 is Thursday 10/8', () => {
    expect(dueDay('2026-09-30', 1)).toBe('2026-10-08');
    expect(dueDay('2026-10-09', 1)).toBe('2026-10-10');
  });
});

describe('Spring Festival 2026 and the issue’s measured windows (30 working days)', () => {
  test('Feb 15–23 off, Saturdays Feb 14 and Feb 28 working', () => {
    for (let d = 15; d <= 23; d += 1) expect(isWorkingDay(noon(`2026-02-${d}`), china)).toBe(false);
    expect(isWorkingDay(noon('2026-02-14'), china)).toBe(true);
    expect(isWorkingDay(noon('2026-02-28'), china)).toBe(true);
  });
  test('business breakthrough on 2026-09-15 is due 2026-11-02 (Mon–Fri would say 10-27)', () => {
    expect(dueDay('2026-09-15', 30)).toBe('2026-11-02');
    expect(workingDaysDue(noon('2026-09-15'), 30, china).provisional).toBe(false);
    expect(chinaDay(addWorkingDays(noon('2026-09-15'), 30, { utcOffsetMinutes: 480, holidays: [] }))).toBe(
      '2026-10-27',
    );
  });
  test('business breakthrough on 2026-01-20 is due 2026-03-09 (Mon–Fri would say 03-03)', () => {
    expect(dueDay('2026-01-20', 30)).toBe('2026-03-09');
    expect(chinaDay(addWorkingDays(noon('2026-01-20'), 30, { utcOffsetMinutes: 480, holidays: [] }))).toBe(
      '2026-03-03',
    );
  });
  test('the due moment keeps the local time of day of the start', () => {
    const start = Date.parse('2026-09-15T15:42:00+08:00');
    expect(new Date(addWorkingDays(start, 30, china)).toISOString()).toBe('2026-11-02T07:42:00.000Z');
  });
});

describe('a year whose schedule is not published (2027 at the time of writing)', () => {
  test('no source has 2027 yet, so it is not in the calendar', () => {
    expect(china.publishedYears).toEqual(expect.arrayContaining([2025, 2026]));
    expect(china.publishedYears).not.toContain(2027);
  });
  test('Spring Festival 2027 (Saturday Feb 6) is unknown: Mon–Fri is assumed and the due date is provisional', () => {
    // Mon–Fri in 2027: the week of the Lunar New Year counts as working.
    expect(isWorkingDay(noon('2027-02-08'), china)).toBe(true);
    expect(isWorkingDay(noon('2027-02-06'), china)).toBe(false);
    const due = workingDaysDue(noon('2027-01-25'), 30, china);
    expect(chinaDay(due.dueAt)).toBe('2027-03-08');
    expect(due.provisional).toBe(true);
  });
  test('a window spanning 2026 into 2027 counts 2026 on China’s calendar and 2027 Mon–Fri, provisional', () => {
    // 12-16 → 12-31: 11 working days in 2026; 19 more Mon–Fri in 2027 (Jan 1 is a Friday, counted).
    const due = workingDaysDue(noon('2026-12-16'), 30, china);
    expect(chinaDay(due.dueAt)).toBe('2027-01-27');
    expect(due.provisional).toBe(true);
    // Entirely inside 2026: not provisional.
    expect(workingDaysDue(noon('2026-11-02'), 30, china).provisional).toBe(false);
  });
  test('publishing 2027 moves the due date and clears the flag (a made-up 2027 schedule for the test)', () => {
    const published = calendarFromPublishedYears(480, {
      2026: { notice: 'test', off: [], makeUpWorkdays: [] },
      2027: { notice: 'test', off: [['2027-01-01', '2027-01-01']], makeUpWorkdays: ['2027-01-09'] },
    });
    const due = workingDaysDue(noon('2026-12-16'), 30, published);
    expect(due.provisional).toBe(false);
    // Jan 1 off (one day later), Saturday Jan 9 working (one day earlier): 2027-01-27 again.
    expect(chinaDay(due.dueAt)).toBe('2027-01-27');
    const withoutMakeUp = calendarFromPublishedYears(480, {
      2026: { notice: 'test', off: [], makeUpWorkdays: [] },
      2027: { notice: 'test', off: [['2027-01-01', '2027-01-01']], makeUpWorkdays: [] },
    });
    expect(chinaDay(addWorkingDays(noon('2026-12-16'), 30, withoutMakeUp))).toBe('2027-01-28');
  });
});

describe('per clock, working or calendar days', () => {
  test('calendar days ignore the calendar; working days follow it', () => {
    expect(chinaDay(dueAfter(noon('2026-09-28'), 7, 'calendar', china).dueAt)).toBe('2026-10-05');
    expect(chinaDay(dueAfter(noon('2026-09-28'), 7, 'working', china).dueAt)).toBe('2026-10-13');
  });
  test('the process says per clock how it counts (the contract window is always working days)', () => {
    expect(PSM_PROCESS.dayCounting).toEqual({
      followUp: 'calendar',
      stall: 'calendar',
      approvals: 'calendar',
    });
  });
});
