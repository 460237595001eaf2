// Locale handling for everything a recipient reads: mail and the one-click confirmation pages.
// The languages themselves and the formatting live in src/i18n; this keeps the mail's own forms.
import { z } from 'zod';
import { LOCALES, type TLocale } from '../i18n';
import { formatDateTime as formatDateTimeForLocale } from '../i18n/format';

export const ZMailLocaleSchema = z.enum(LOCALES);
export type TMailLocale = TLocale;

/** The database enum spells zh-CN as zh_CN (Prisma identifiers cannot contain '-'). */
export function localeFromDb(locale: 'zh_CN' | 'en'): TMailLocale {
  return locale === 'zh_CN' ? 'zh-CN' : 'en';
}

/**
 * The amount as mail and the weekly report have always printed it: the locale's currency format
 * with cents (¥1,234,567.00 in zh-CN, CN¥1,234,567.00 in en, which tells a CNY amount from a
 * dollar one in an English reader's inbox). The page uses src/i18n/format's formatAmount.
 */
export function formatAmount(amount: number, currency: string, locale: TMailLocale): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    // An unknown currency code must not stop an escalation from going out.
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** "2026-03-02 14:30 GMT+8" in both locales, in the team's time zone (see src/i18n/format). */
export function formatDateTime(iso: string, locale: TMailLocale, timeZone: string): string {
  return formatDateTimeForLocale(iso, locale, timeZone);
}
