// One definition of every input rule: the API's zod schemas (src/contracts/zod-fields.ts) and the
// workflow's Update validators (workflows/opportunity-input.ts) both call these, so a value the API
// accepts is one the workflow accepts and the read model (PostgreSQL) can store.
// I/O-free and zod-free: the workflow bundle imports this file.

/** Upper bounds; they also keep one command from bloating the workflow history. */
export const INPUT_LIMITS = {
  /** Deal names, accounts, stakeholder names and titles, ids, keys. */
  name: 200,
  /** Users' names and token labels. */
  userName: 100,
  /** Reasons and comments. */
  shortText: 2_000,
  /** Evidence notes and activity notes. */
  longText: 10_000,
  /** Links attached to a milestone completion, and each link's length. */
  links: 20,
  link: 2_000,
  /** Criteria named by one milestone completion. */
  criteriaMet: 20,
  /** A criterion's or checklist item's key. */
  key: 100,
  /** Money: at most two decimals, below the read model's Decimal(16, 2) column. */
  amountDecimals: 2,
  amountMax: 1e13,
  /** Calendar years a date may fall in. */
  minYear: 1900,
  maxYear: 2200,
} as const;

/** What kind of text a field holds: free text may span lines; a name or key is one clean line. */
export type TextKind = 'name' | 'text';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Why this string cannot be stored, or null. NUL never (PostgreSQL text and jsonb refuse it);
 * other C0 controls only as tab / newline / carriage return in free text; no control character at
 * all (C0, DEL) in a name or key; no lone UTF-16 surrogate (it would be stored as U+FFFD).
 */
export function textProblem(value: string, kind: TextKind): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return 'must not contain a NUL character';
    if (c < 0x20 || c === 0x7f) {
      if (kind === 'name') return 'must not contain control characters';
      if (c !== TAB && c !== LF && c !== CR && c !== 0x7f) return 'must not contain control characters';
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
      else return 'must be valid Unicode text';
    }
  }
  return null;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 date-time with an offset (Z or ±hh:mm), optional fraction.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dayProblem(year: number, month: number, day: number): string | null {
  if (year < INPUT_LIMITS.minYear || year > INPUT_LIMITS.maxYear) {
    return `must fall in the years ${INPUT_LIMITS.minYear}–${INPUT_LIMITS.maxYear}`;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'is not a real date';
  return null;
}

/** A 'YYYY-MM-DD' day that exists on the calendar, within the sane years; null when fine. */
export function calendarDateProblem(value: string): string | null {
  const m = DATE_ONLY.exec(value);
  if (!m) return 'must be YYYY-MM-DD';
  return dayProblem(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** An ISO date-time with offset whose day and time exist, within the sane years; null when fine. */
export function dateTimeProblem(value: string): string | null {
  const m = DATE_TIME.exec(value);
  if (!m) return 'must be an ISO date-time with offset (e.g. 2026-03-31T09:30:00+08:00)';
  const dayIssue = dayProblem(Number(m[1]), Number(m[2]), Number(m[3]));
  if (dayIssue) return dayIssue;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  const offsetOk = m[8] === 'Z' || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  if (hour > 23 || minute > 59 || second > 59 || !offsetOk) return 'is not a real time';
  return null;
}

/** A date-only day or a date-time (fields that take either, e.g. an expected close date). */
export function dateOrDateTimeProblem(value: string): string | null {
  if (DATE_ONLY.test(value)) return calendarDateProblem(value);
  if (!DATE_TIME.test(value)) return 'must be YYYY-MM-DD or an ISO date-time with offset';
  return dateTimeProblem(value);
}

/**
 * Money as the read model stores it: finite, at most two decimals (0.125 would be rounded there
 * but kept exact in the workflow), within the column's range; positive when `positive`.
 */
export function amountProblem(
  value: number,
  { positive = false }: { positive?: boolean } = {},
): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (positive ? value <= 0 : value < 0) return positive ? 'must be greater than 0' : 'must be at least 0';
  if (value > INPUT_LIMITS.amountMax) return `must be at most ${INPUT_LIMITS.amountMax}`;
  if (Number(value.toFixed(INPUT_LIMITS.amountDecimals)) !== value) {
    return `must have at most ${INPUT_LIMITS.amountDecimals} decimals`;
  }
  return null;
}
