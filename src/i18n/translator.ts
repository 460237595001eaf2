// The translator: one i18next instance over the static catalogs, initialised synchronously so a
// template, an activity or a component can call t() at once, in Node and in the browser alike.
import i18next, { type i18n } from 'i18next';
import { CATALOGS, type TNamespace } from './catalogs';
import { DEFAULT_LOCALE, resolveLocale, type TLocale } from './locales';

export type TParams = Record<string, unknown>;
/** Translate `key` (dots for nesting) with `{{name}}` params; plurals take `count`. */
export type TFunction = (key: string, params?: TParams) => string;

let instance: i18n | undefined;

function i18nInstance(): i18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    resources: CATALOGS,
    lng: DEFAULT_LOCALE,
    supportedLngs: ['zh-CN', 'en'],
    // A key missing in one language shows the other language's text rather than a raw key;
    // test/i18n/catalogs.test.ts keeps both complete, so this is a safety net, not a rule.
    fallbackLng: { en: ['zh-CN'], 'zh-CN': ['en'], default: [DEFAULT_LOCALE] },
    ns: Object.keys(CATALOGS[DEFAULT_LOCALE]),
    defaultNS: false,
    fallbackNS: false,
    // Escaping belongs to the renderer (the mail's html`` tag, Preact); escaping here too would
    // double-escape and put &amp; into plain-text mail.
    interpolation: { escapeValue: false },
    returnNull: false,
    returnEmptyString: false,
    // Resources are in memory: without this, init would finish on a later tick.
    initAsync: false,
  });
  instance = created;
  return created;
}

/** A t() bound to one language and one namespace. `locale` accepts any spelling (zh_CN, en-US). */
// Catalogs are static, so a message without parameters (most labels) is the same string every
// time: looked up once per language, namespace and key.
const plainMessages = new Map<string, string>();

export function translator(locale: TLocale | string, namespace: TNamespace): TFunction {
  const instance = i18nInstance();
  const lng = resolveLocale(locale);
  // instance.t with lng/ns rather than getFixedT: getFixedT copies every i18next option on each
  // call, which made it 5x slower on the mail's strings (npm run bench:i18n).
  return (key, params) => {
    if (params === undefined) {
      const id = `${lng}\u0000${namespace}\u0000${key}`;
      let message = plainMessages.get(id);
      if (message === undefined) {
        message = instance.t(key, { lng, ns: namespace }) as string;
        plainMessages.set(id, message);
      }
      return message;
    }
    return instance.t(key, { ...params, lng, ns: namespace }) as string;
  };
}

/** True when `key` exists in that language's namespace itself (no fallback). */
export function hasTranslation(locale: TLocale, namespace: TNamespace, key: string): boolean {
  return i18nInstance().exists(key, { lng: locale, ns: namespace, fallbackLng: false });
}

/** A message as written in the catalog (no interpolation, no fallback), or undefined. */
export function rawMessage(locale: TLocale, namespace: TNamespace, key: string): string | undefined {
  const value: unknown = i18nInstance().getResource(locale, namespace, key);
  return typeof value === 'string' ? value : undefined;
}
