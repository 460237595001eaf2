// The project's table of China's published schedule (workflows/china-work-calendar.ts) agrees day
// for day with the maintained data package chinese-days for every year the table holds, and with
// the State Council's 2026 notice as the issue quotes it. Bumping chinese-days to a release with a
// new year, or adding a year to the table, fails here until both say the same.

import chineseDays from 'chinese-days/dist/chinese-days.json';
import { CHINA_PUBLISHED_YEARS } from '../../workflows/china-work-calendar';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { isWorkingDay } from '../../workflows/working-days';

const china = PSM_PROCESS.workCalendar;
const DAY_MS = 86_400_000;
const years = Object.keys(CHINA_PUBLISHED_YEARS).map(Number);
const packageYears = [...new Set(Object.keys(chineseDays.holidays).map((day) => Number(day.slice(0, 4))))];

function daysOf(year: number): string[] {
  const days: string[] = [];
  for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += DAY_MS) {
    days.push(new Date(ms).toISOString().slice(0, 10));
  }
  return days;
}

/** chinese-days' answer: listed holidays off, listed make-up days on, otherwise Mon–Fri. */
function packageSaysWorking(day: string): boolean {
  if (day in chineseDays.holidays) return false;
  if (day in chineseDays.workdays) return true;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

test('the table holds 2025 and 2026, each citing its State Council notice', () => {
  expect(years).toEqual([2025, 2026]);
  for (const year of years)
    expect(CHINA_PUBLISHED_YEARS[year]?.notice).toMatch(
      /^国务院办公厅关于\d{4}年部分节假日安排的通知 https:\/\/www\.gov\.cn\//,
    );
});

test.each(years)('%i: every day is a working day exactly when chinese-days says so', (year) => {
  expect(packageYears).toContain(year);
  const disagreements = daysOf(year).filter(
    (day) => isWorkingDay(Date.parse(`${day}T12:00:00+08:00`), china) !== packageSaysWorking(day),
  );
  expect(disagreements).toEqual([]);
});

test('the newest year chinese-days has is in the table (bump the package, then add the year)', () => {
  expect(years).toContain(Math.max(...packageYears));
});

test('2026 has the issue’s National Day: Oct 1–7 off, Sun 9/20 and Sat 10/10 working', () => {
  const working = (day: string) => isWorkingDay(Date.parse(`${day}T12:00:00+08:00`), china);
  expect(
    ['09-20', '09-30', '10-01', '10-04', '10-07', '10-08', '10-10', '10-11'].map((d) => working(`2026-${d}`)),
  ).toEqual([true, true, false, false, false, true, true, false]);
});
