// The i18n entry point: translators over the per-language catalogs, and locale resolution.
// Formatting helpers are in ./format (import them from there; they need no catalogs).
export { CATALOGS, NAMESPACES, type Catalog, type TNamespace } from './catalogs';
export {
  DEFAULT_LOCALE,
  LOCALES,
  isLocale,
  localeFromAcceptLanguage,
  resolveLocale,
  type TLocale,
} from './locales';
export { processLabel } from './process-labels';
export { refusalMessage } from './refusal';
export { hasTranslation, rawMessage, translator, type TFunction, type TParams } from './translator';
