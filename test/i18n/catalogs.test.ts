// Every message exists in both languages with the same {{variables}}, every catalog file is
// registered (so the browser bundle and Node see it), and t() resolves, falls back and plurals.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGS, LOCALES, NAMESPACES, translator } from '../../src/i18n';
import { flattenCatalog } from './catalog-keys';

const LOCALES_DIR = join(__dirname, '../../src/i18n/locales');

describe('catalogs', () => {
  it('registers every JSON file under src/i18n/locales, the same namespaces in each language', () => {
    expect(readdirSync(LOCALES_DIR).sort()).toEqual([...LOCALES].sort());
    for (const locale of LOCALES) {
      const files = readdirSync(join(LOCALES_DIR, locale))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort();
      expect({ locale, namespaces: files }).toEqual({ locale, namespaces: [...NAMESPACES].sort() });
    }
  });

  it.each(NAMESPACES)('%s: the same keys and {{variables}} in zh-CN and en', (namespace) => {
    const zh = flattenCatalog(CATALOGS['zh-CN'][namespace]);
    const en = flattenCatalog(CATALOGS.en[namespace]);
    const onlyIn = (a: Map<string, unknown>, b: Map<string, unknown>) =>
      [...a.keys()].filter((k) => !b.has(k));
    expect({ namespace, missingInEn: onlyIn(zh, en), missingInZh: onlyIn(en, zh) }).toEqual({
      namespace,
      missingInEn: [],
      missingInZh: [],
    });
    const mismatched = [...zh].flatMap(([key, info]) => {
      const other = en.get(key)!;
      const a = [...info.variables].sort();
      const b = [...other.variables].sort();
      return a.join() === b.join() ? [] : [{ key, zh: a, en: b }];
    });
    expect({ namespace, mismatched }).toEqual({ namespace, mismatched: [] });
  });

  it('flags a key missing in one language and a variable spelt differently', () => {
    const zh = flattenCatalog({ a: '{{name}}好', b: { c: '{{count}}天' }, d_other: '{{count}}个' });
    const en = flattenCatalog({ a: 'Hi {{nme}}', d_one: 'one', d_other: '{{count}} items' });
    expect([...zh.keys()].filter((k) => !en.has(k))).toEqual(['b.c']);
    expect([...zh.get('a')!.variables]).toEqual(['name']);
    expect([...en.get('a')!.variables]).toEqual(['nme']);
    expect(en.get('d')).toEqual({ variables: new Set(['count']), plural: true });
  });
});

describe('translator', () => {
  // The errors catalog is complete in both languages from the start: a real key to resolve.
  it('resolves a key per language, interpolates without HTML-escaping, and plurals by count', () => {
    const zh = translator('zh-CN', 'common');
    const en = translator('en', 'common');
    expect(zh('days', { count: 1 })).toBe('1 天');
    expect(en('days', { count: 1 })).toBe('1 day');
    expect(en('days', { count: 3 })).toBe('3 days');
    expect(en('greeting', { name: 'Tom & <Jerry>' })).toBe('Hello Tom & <Jerry>,');
    expect(zh('greeting', { name: '王五' })).toBe('王五，您好：');
  });

  it('takes any spelling of a locale, and the default (zh-CN) for an unknown one', () => {
    expect(translator('zh_CN', 'common')('deal')).toBe('商机');
    expect(translator('en-US', 'common')('deal')).toBe('Deal');
    expect(translator('fr', 'common')('deal')).toBe('商机');
  });

  it('returns the key itself for a key no language has', () => {
    expect(translator('en', 'common')('no.such.key')).toBe('no.such.key');
  });
});
