// Locale formatting for the page: the shared helpers of src/i18n/format (pure Intl, the same
// output as the mail: ¥1,200,000 / ¥120万, 2026年12月1日, 3天前, in the team's time zone), bound to
// the page's current locale.
import {
  formatAmount as formatAmountIn,
  formatAmountShort,
  formatDate as formatDateIn,
  formatDateTime as formatDateTimeIn,
  formatNumber as formatNumberIn,
  formatRelativeTime,
} from '../../i18n/format';
import { currentLocale } from './i18n';

const DAY_MS = 24 * 60 * 60 * 1000;

export function formatAmount(
  amount: number | null | undefined,
  currency = 'CNY',
  { compact = false }: { compact?: boolean } = {},
): string {
  if (amount === null || amount === undefined || Number.isNaN(amount)) return '—';
  return compact
    ? formatAmountShort(amount, currency, currentLocale())
    : formatAmountIn(amount, currency, currentLocale());
}

export const formatNumber = (value: number): string => formatNumberIn(value, currentLocale());

export const formatDate = (iso: string | null | undefined): string =>
  iso ? formatDateIn(iso, currentLocale()) : '—';

export const formatDateTime = (iso: string | null | undefined): string =>
  iso ? formatDateTimeIn(iso, currentLocale()) : '—';

/** "3天后" / "in 3 days", "昨天" / "yesterday". */
export const formatRelative = (iso: string | null | undefined, now = Date.now()): string =>
  iso ? formatRelativeTime(iso, now, currentLocale()) : '—';

export function daysSince(iso: string | null | undefined, now = Date.now()): number | null {
  if (!iso) return null;
  return Math.max(0, Math.floor((now - Date.parse(iso)) / DAY_MS));
}

/** The value a datetime-local input wants for "now", in the browser's time zone. */
export function localNowInput(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}
