// Report periods the dashboard offers, as the team's calendar days (Asia/Shanghai): the API reads
// date-only bounds on that calendar, a date-only `to` including its whole day.
export type Preset = 'thisQuarter' | 'lastQuarter' | 'last30' | 'thisYear' | 'custom';
export const PRESETS: Preset[] = ['thisQuarter', 'lastQuarter', 'last30', 'thisYear', 'custom'];

export interface Period {
  from: string;
  to: string;
}

const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);

export function teamToday(now = new Date(), timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export function presetPeriod(preset: Exclude<Preset, 'custom'>, today: string): Period {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const q = Math.floor((m - 1) / 3) * 3;
  switch (preset) {
    case 'thisQuarter':
      return { from: day(y, q, 1), to: day(y, q + 3, 0) };
    case 'lastQuarter':
      return { from: day(y, q - 3, 1), to: day(y, q, 0) };
    case 'last30':
      return { from: day(y, m - 1, d - 29), to: today };
    case 'thisYear':
      return { from: day(y, 0, 1), to: day(y, 11, 31) };
  }
}
