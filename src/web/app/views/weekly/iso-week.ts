// ISO weeks on the team's calendar, for the week picker (the API checks the week again).
const DAY_MS = 86_400_000;

/** ISO week label ('2026-W47') of a 'YYYY-MM-DD' day. */
export function isoWeekOf(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  const weekday = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(d.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const firstMonday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * DAY_MS);
  const week = Math.floor((thursday.getTime() - firstMonday.getTime()) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday ('YYYY-MM-DD') of an ISO week label, or null if it is no week. */
export function mondayOf(isoWeek: string): string | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(isoWeek);
  if (!m) return null;
  const jan4 = new Date(Date.UTC(Number(m[1]), 0, 4));
  const monday = new Date(
    jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * DAY_MS + (Number(m[2]) - 1) * 7 * DAY_MS,
  );
  const day = monday.toISOString().slice(0, 10);
  return isoWeekOf(day) === isoWeek ? day : null;
}

export function shiftWeek(isoWeek: string, weeks: number): string | null {
  const monday = mondayOf(isoWeek);
  if (!monday) return null;
  return isoWeekOf(
    new Date(Date.parse(`${monday}T00:00:00Z`) + weeks * 7 * DAY_MS).toISOString().slice(0, 10),
  );
}

/** The last week that has ended, given the team's today ('YYYY-MM-DD'). */
export function lastCompleteWeek(today: string): string {
  return shiftWeek(isoWeekOf(today), -1)!;
}
