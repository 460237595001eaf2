// Amounts, dates and relative times for a locale, always in the team's time zone (not the
// server's or the browser's), with Intl only, so Node and the browser print the same.
import { resolveLocale, type TLocale } from './locales';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

type DateInput = string | number | Date;

function toDate(value: DateInput): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(id);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(id, format);
  }
  return format;
}

function currencyOr(amount: number, currency: string, format: () => string): string {
  try {
    return format();
  } catch {
    // An unknown currency code must not stop a page or a mail from rendering.
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/**
 * The exact amount, the same digits in both languages: ¥1,200,000 (¥1,200,000.50 when not
 * whole). `narrowSymbol` keeps English from printing CN¥. For tables, forms and the deal page.
 */
export function formatAmount(amount: number, currency: string, locale: TLocale | string): string {
  const whole = Number.isInteger(amount);
  return currencyOr(amount, currency, () =>
    numberFormat(resolveLocale(locale), {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: 2,
    }).format(amount),
  );
}

/**
 * The amount as a reader says it: zh-CN counts in 万 and 亿 (¥120万, ¥1.2亿), en in thousands and
 * millions (¥1.2M). For board cards, column totals and chart axes, where the exact figure is a
 * click away.
 */
export function formatAmountShort(amount: number, currency: string, locale: TLocale | string): string {
  return currencyOr(amount, currency, () =>
    numberFormat(resolveLocale(locale), {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      notation: 'compact',
      minimumFractionDigits: 0,
      maximumFractionDigits: 1,
    }).format(amount),
  );
}

/** A plain count or ratio with the locale's grouping: 1,234 / 0.16. */
export function formatNumber(value: number, locale: TLocale | string, maximumFractionDigits = 2): string {
  return numberFormat(resolveLocale(locale), { maximumFractionDigits }).format(value);
}

/** 2026年12月1日 / 1 Dec 2026, the calendar day in `timeZone`. */
export function formatDate(
  value: DateInput,
  locale: TLocale | string,
  timeZone: string = DEFAULT_TIME_ZONE,
): string {
  const date = toDate(value);
  if (!date) return String(value);
  return resolveLocale(locale) === 'zh-CN'
    ? new Intl.DateTimeFormat('zh-CN', { timeZone, year: 'numeric', month: 'long', day: 'numeric' }).format(
        date,
      )
    : new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: 'short', day: 'numeric' }).format(
        date,
      );
}

/**
 * "2026-03-02 14:30 GMT+8" in both languages: unambiguous (no 03/02 vs 02/03) and in the team's
 * time zone, as the mail has always printed it.
 */
export function formatDateTime(
  value: DateInput,
  locale: TLocale | string,
  timeZone: string = DEFAULT_TIME_ZONE,
): string {
  const date = toDate(value);
  if (!date) return String(value);
  const parts = new Intl.DateTimeFormat(resolveLocale(locale) === 'en' ? 'en-US' : 'zh-CN', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${get('timeZoneName')}`;
}

/** Days since 1970 of the calendar date `date` falls on in `timeZone`. */
function calendarDay(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(date);
  const n = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return Math.round(Date.UTC(n('year'), n('month') - 1, n('day')) / 86_400_000);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * 刚刚 / 5分钟前 / 3小时后 / 昨天 / 3天前 / 2个月前 and the English equivalents. Under a day it counts
 * elapsed time; from there it counts calendar days in `timeZone`, so 23:00 yesterday is 昨天.
 */
export function formatRelativeTime(
  value: DateInput,
  now: DateInput,
  locale: TLocale | string,
  timeZone: string = DEFAULT_TIME_ZONE,
): string {
  const date = toDate(value);
  const reference = toDate(now);
  if (!date || !reference) return String(value);
  const rtf = new Intl.RelativeTimeFormat(resolveLocale(locale), { numeric: 'auto' });
  const ms = date.getTime() - reference.getTime();
  const days = calendarDay(date, timeZone) - calendarDay(reference, timeZone);
  if (Math.abs(ms) < MINUTE) return rtf.format(0, 'second');
  if (Math.abs(ms) < HOUR) return rtf.format(Math.trunc(ms / MINUTE), 'minute');
  if (days === 0) return rtf.format(Math.trunc(ms / HOUR), 'hour');
  if (Math.abs(days) < 7) return rtf.format(days, 'day');
  if (Math.abs(days) < 30) return rtf.format(Math.trunc(days / 7), 'week');
  if (Math.abs(days) < 365) return rtf.format(Math.trunc(days / 30), 'month');
  return rtf.format(Math.trunc(days / 365), 'year');
}
