// Locale handling for everything a recipient reads: mail and the one-click confirmation pages.
import { z } from 'zod';

export const ZMailLocaleSchema = z.enum(['zh-CN', 'en']);
export type TMailLocale = z.infer<typeof ZMailLocaleSchema>;

/** The database enum spells zh-CN as zh_CN (Prisma identifiers cannot contain '-'). */
export function localeFromDb(locale: 'zh_CN' | 'en'): TMailLocale {
  return locale === 'zh_CN' ? 'zh-CN' : 'en';
}

export function formatAmount(amount: number, currency: string, locale: TMailLocale): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    // An unknown currency code must not stop an escalation from going out.
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/**
 * "2026-03-02 14:30 GMT+8" in both locales: unambiguous (no 03/02 vs 02/03), and shown in the
 * team's time zone rather than the server's, so "last activity" reads right.
 */
export function formatDateTime(iso: string, locale: TMailLocale, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat(locale === 'en' ? 'en-US' : 'zh-CN', {
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
