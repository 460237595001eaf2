// i18next in the browser. The page's strings are the `web` namespace
// (src/i18n/locales/<locale>/web.json); a view that brings its own namespace registers it with
// addCatalogs() when its module loads (so a lazily loaded view ships its strings in its chunk).
import i18next, { type TFunction } from 'i18next';
import zhWeb from '../../i18n/locales/zh-CN/web.json';
import enWeb from '../../i18n/locales/en/web.json';
// The API's refusal sentences by error code (H3's catalog, shared with the server).
import zhErrors from '../../i18n/locales/zh-CN/errors.json';
import enErrors from '../../i18n/locales/en/errors.json';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);

export const i18n = i18next.createInstance();
// Initialised at once (resources in memory, initAsync: false), so a view module can register its
// namespace with addCatalogs() when it loads, before the shell picks the user's locale.
void i18n.init({
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  ns: ['web', 'errors'],
  defaultNS: 'web',
  // Preact escapes text; escaping here too would show &lt; in a deal name.
  interpolation: { escapeValue: false },
  resources: { 'zh-CN': { web: zhWeb, errors: zhErrors }, en: { web: enWeb, errors: enErrors } },
  returnNull: false,
  initAsync: false,
});

export async function initI18n(locale: Locale): Promise<void> {
  await i18n.changeLanguage(locale);
}

/** Registers a view's own namespace (both locales). Idempotent. */
export function addCatalogs(ns: string, catalogs: Record<Locale, object>): void {
  for (const locale of LOCALES) i18n.addResourceBundle(locale, ns, catalogs[locale], true, true);
}

export function currentLocale(): Locale {
  return isLocale(i18n.language) ? i18n.language : DEFAULT_LOCALE;
}

export const t: TFunction = ((...args: Parameters<TFunction>) => i18n.t(...args)) as TFunction;
