import {
  formatAmount,
  formatAmountShort,
  formatDate,
  formatDateTime,
  formatRelativeTime,
} from '../../src/i18n/format';
import { localeFromAcceptLanguage, resolveLocale } from '../../src/i18n';

describe('amounts', () => {
  it('prints the exact amount with ¥ in both languages, decimals only when not whole', () => {
    expect(formatAmount(1_200_000, 'CNY', 'en')).toBe('¥1,200,000');
    expect(formatAmount(1_200_000, 'CNY', 'zh-CN')).toBe('¥1,200,000');
    expect(formatAmount(1_200_000.5, 'CNY', 'en')).toBe('¥1,200,000.50');
  });

  it('counts in 万/亿 for zh-CN and in M for en when short', () => {
    expect(formatAmountShort(1_200_000, 'CNY', 'zh-CN')).toBe('¥120万');
    expect(formatAmountShort(123_456_789, 'CNY', 'zh-CN')).toBe('¥1.2亿');
    expect(formatAmountShort(1_250_000, 'CNY', 'en')).toBe('¥1.3M');
  });

  it('still prints something for a currency code Intl does not know', () => {
    expect(formatAmount(10, 'NOT-A-CODE', 'en')).toBe('10.00 NOT-A-CODE');
  });
});

describe('dates', () => {
  // 17:00 UTC on 30 Nov is 01:00 on 1 Dec in Shanghai: the team's day, not the server's.
  const instant = '2026-11-30T17:00:00Z';

  it('prints the calendar day in the team time zone', () => {
    expect(formatDate(instant, 'zh-CN')).toBe('2026年12月1日');
    expect(formatDate(instant, 'en')).toBe('1 Dec 2026');
    expect(formatDate(instant, 'en', 'UTC')).toBe('30 Nov 2026');
    expect(formatDateTime(instant, 'zh-CN')).toBe('2026-12-01 01:00 GMT+8');
  });

  it('says relative times by elapsed time under a day and by calendar day after', () => {
    const now = '2026-12-02T10:00:00+08:00';
    expect(formatRelativeTime('2026-12-02T09:00:00+08:00', now, 'zh-CN')).toBe('1小时前');
    expect(formatRelativeTime('2026-12-01T23:00:00+08:00', now, 'zh-CN')).toBe('昨天');
    expect(formatRelativeTime('2026-12-01T23:00:00+08:00', now, 'en')).toBe('yesterday');
    expect(formatRelativeTime('2026-11-29T10:00:00+08:00', now, 'en')).toBe('3 days ago');
    expect(formatRelativeTime('2026-12-02T14:00:00+08:00', now, 'en')).toBe('in 4 hours');
  });
});

describe('locale resolution', () => {
  it('maps stored and browser spellings to a supported locale, else zh-CN', () => {
    expect(resolveLocale('zh_CN')).toBe('zh-CN');
    expect(resolveLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(resolveLocale('EN_gb')).toBe('en');
    expect(resolveLocale('de')).toBe('zh-CN');
    expect(resolveLocale(undefined)).toBe('zh-CN');
  });

  it('picks the best-weighted supported language of Accept-Language', () => {
    expect(localeFromAcceptLanguage('fr-FR,en;q=0.8,zh-CN;q=0.9')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('en-US,en;q=0.9')).toBe('en');
    expect(localeFromAcceptLanguage('fr, de;q=0.5')).toBeNull();
    expect(localeFromAcceptLanguage('zh;q=0, en;q=0.1')).toBe('en');
    expect(localeFromAcceptLanguage('')).toBeNull();
  });
});
