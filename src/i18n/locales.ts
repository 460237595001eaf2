// The languages we ship, and how a stored or requested locale becomes one of them.

export const LOCALES = ['zh-CN', 'en'] as const;
export type TLocale = (typeof LOCALES)[number];

/** The product's default: a Chinese B2B sales team. Used whenever nothing better is known. */
export const DEFAULT_LOCALE: TLocale = 'zh-CN';

export function isLocale(value: unknown): value is TLocale {
  return value === 'zh-CN' || value === 'en';
}

/**
 * Any spelling of a supported language to its locale: the database enum (zh_CN), a browser tag
 * (zh, zh-Hans-CN, en-US, EN_gb). Anything else, or nothing, is the default (zh-CN).
 */
export function resolveLocale(value: string | null | undefined): TLocale {
  return matchLocale(value) ?? DEFAULT_LOCALE;
}

function matchLocale(value: string | null | undefined): TLocale | null {
  if (!value) return null;
  const primary = value.trim().toLowerCase().replace(/_/g, '-').split('-')[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return null;
}

/**
 * The best supported language of an Accept-Language header (RFC 9110 §12.5.4: q-values, `*`), or
 * null when it names none of ours, so the caller can fall back in its own order.
 */
export function localeFromAcceptLanguage(header: string | null | undefined): TLocale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.tag && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const r of ranked) {
    if (r.tag === '*') return DEFAULT_LOCALE;
    const locale = matchLocale(r.tag);
    if (locale) return locale;
  }
  return null;
}
