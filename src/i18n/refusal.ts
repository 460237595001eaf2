// A refusal's message in the reader's language, from its code and structured details alone, for
// the API's error bodies and the page alike: the reader never sees the developer's English text.
// errors.json has a message per code (`CODE`), and for codes whose details say more (which
// criteria are missing, which limit was passed) a `CODE_details` message using those fields.
import type { InputIssue } from '../contracts/refusals';
import { formatAmount } from './format';
import { resolveLocale, type TLocale } from './locales';
import { processLabel } from './process-labels';
import { rawMessage, translator, type TParams } from './translator';

const VARIABLE = /{{\s*([\w.]+)\s*}}/g;

function listOf(items: readonly string[], locale: TLocale): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
}

/** One zod-style issue as a sentence: which field, which rule, which limit. */
function issueText(issue: InputIssue, locale: TLocale): string {
  const t = translator(locale, 'errors');
  const field = issue.path;
  if ((issue.rule === 'too_big' || issue.rule === 'too_small') && typeof issue.limit === 'number') {
    const kind = ['string', 'number', 'array'].includes(issue.origin ?? '') ? issue.origin : 'other';
    return t(`issue.${issue.rule}.${kind}`, { field, limit: issue.limit });
  }
  if (issue.rule === 'invalid_type' && issue.received === 'undefined') return t('issue.required', { field });
  return t('issue.invalid', { field });
}

/** The details as message parameters: process keys become their names, lists read as lists. */
function paramsOf(code: string, details: unknown, locale: TLocale): TParams {
  if (code === 'INVALID_INPUT' && Array.isArray(details)) {
    const issues = details.filter(
      (d): d is InputIssue => typeof d === 'object' && d !== null && typeof d.path === 'string',
    );
    if (issues.length === 0) return {};
    const separator = translator(locale, 'errors')('listSeparator');
    return { issues: issues.map((i) => issueText(i, locale)).join(separator) };
  }
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return {};
  const params: TParams = {};
  for (const [field, value] of Object.entries(details as Record<string, unknown>)) {
    if (typeof value === 'string') params[field] = processLabel(value, locale);
    else if (typeof value === 'number')
      params[field] = /amount/i.test(field) ? formatAmount(value, 'CNY', locale) : value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
      params[field] = value.length
        ? listOf(
            value.map((v) => processLabel(v, locale)),
            locale,
          )
        : undefined;
  }
  return params;
}

/**
 * The message for a refusal: the detailed one when the details carry every field it names,
 * otherwise the code's general one. An unknown code reads as RULE_REFUSED's.
 */
export function refusalMessage(locale: TLocale | string, code: string, details?: unknown): string {
  const lng = resolveLocale(locale);
  const t = translator(lng, 'errors');
  const known = rawMessage(lng, 'errors', code) !== undefined;
  const key = known ? code : 'RULE_REFUSED';
  const detailed = rawMessage(lng, 'errors', `${key}_details`);
  if (detailed !== undefined && details !== undefined) {
    const params = paramsOf(key, details, lng);
    const needed = [...detailed.matchAll(VARIABLE)].map((m) => m[1]!);
    if (needed.every((name) => params[name] !== undefined && params[name] !== ''))
      return t(`${key}_details`, params);
  }
  return t(key);
}
