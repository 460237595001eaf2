// Defensive shape checks for command payloads. The API validates with zod first, with the same
// rules (src/contracts/input-rules.ts); these keep a malformed payload (another client, a
// hand-written tctl call) from ever reaching a handler or the read model.
//
// Two strengths. Inside an Update validator (`asUpdateValidator`) every rule applies: no NUL or
// control characters, real calendar dates in sane years, amounts of at most two decimals within
// the read model's column. Validators never run on replay, so tightening them is replay-safe.
// Elsewhere (the workflow's start input, and a handler that re-validates after waiting) the same
// helpers keep the looser checks these runs were recorded with: that code runs on replay, and a
// stricter check there would refuse a command an old history accepted.

import { refuseInput } from './opportunity-errors';
import {
  INPUT_LIMITS,
  amountProblem,
  dateOrDateTimeProblem,
  textProblem,
  type TextKind,
} from '../src/contracts/input-rules';

/** Upper bounds, from the one definition the API's schemas use too. */
export const TEXT_LIMITS = {
  name: INPUT_LIMITS.name,
  shortText: INPUT_LIMITS.shortText,
  longText: INPUT_LIMITS.longText,
  links: INPUT_LIMITS.links,
} as const;

let strict = false;

/** Runs an Update validator's checks with every input rule (synchronous, so the flag cannot leak). */
export function asUpdateValidator<T>(check: () => T): T {
  const outer = strict;
  strict = true;
  try {
    return check();
  } finally {
    strict = outer;
  }
}

/** Name-sized fields (names, ids, keys, currency) are one clean line; longer ones are free text. */
const kindFor = (maxLength: number): TextKind => (maxLength <= INPUT_LIMITS.name ? 'name' : 'text');

function requireStorable(value: string, field: string, maxLength: number): void {
  if (!strict) return;
  const problem = textProblem(value, kindFor(maxLength));
  if (problem) refuseInput(field, problem);
}

export function requireText(
  value: unknown,
  field: string,
  maxLength: number = TEXT_LIMITS.shortText,
): string {
  if (typeof value !== 'string' || value.trim() === '') refuseInput(field, 'must be a non-empty string');
  if (value.length > maxLength) refuseInput(field, `must be at most ${maxLength} characters`);
  requireStorable(value, field, maxLength);
  return value;
}

export function optionalText(value: unknown, field: string, maxLength: number = TEXT_LIMITS.shortText): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') refuseInput(field, 'must be a string');
  if (value.length > maxLength) refuseInput(field, `must be at most ${maxLength} characters`);
  requireStorable(value, field, maxLength);
}

export function requireOneOf<T extends string>(value: unknown, options: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    refuseInput(field, `must be one of ${options.join(', ')}`);
  }
  return value as T;
}

export function requireAmount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    refuseInput(field, 'must be a finite number of at least 0');
  }
  if (strict) {
    const problem = amountProblem(value);
    if (problem) refuseInput(field, problem);
  }
  return value;
}

/** Parses an ISO date or date-time; refuses anything Date cannot read (and, in a validator, unreal dates). */
export function requireTime(value: unknown, field: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) refuseInput(field, 'must be an ISO date or date-time');
  if (strict) {
    const problem = dateOrDateTimeProblem(value as string);
    if (problem) refuseInput(field, problem);
  }
  return ms;
}

/** A list of name-like strings (criterion keys, links), each at most `maxLength` long in a validator. */
export function requireStringList(
  value: unknown,
  field: string,
  maxItems: number,
  maxLength: number = INPUT_LIMITS.name,
): string[] {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    refuseInput(field, 'must be a list of strings');
  }
  if (value.length > maxItems) refuseInput(field, `may hold at most ${maxItems} entries`);
  if (strict) {
    (value as string[]).forEach((entry, i) => {
      if (entry.length > maxLength) refuseInput(`${field}[${i}]`, `must be at most ${maxLength} characters`);
      requireStorable(entry, `${field}[${i}]`, INPUT_LIMITS.name);
    });
  }
  return value as string[];
}
