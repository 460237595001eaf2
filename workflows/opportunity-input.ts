// Defensive shape checks for command payloads. The API validates with zod first; these keep a
// malformed payload (another client, a hand-written tctl call) from ever reaching a handler.

import { refuse } from './opportunity-errors';

/** Upper bounds keep one command from bloating the workflow history. */
export const TEXT_LIMITS = { name: 200, shortText: 2_000, longText: 10_000, links: 20 } as const;

export function requireText(
  value: unknown,
  field: string,
  maxLength: number = TEXT_LIMITS.shortText,
): string {
  if (typeof value !== 'string' || value.trim() === '')
    refuse('INVALID_INPUT', `${field} must be a non-empty string`);
  if (value.length > maxLength) refuse('INVALID_INPUT', `${field} must be at most ${maxLength} characters`);
  return value;
}

export function optionalText(value: unknown, field: string, maxLength: number = TEXT_LIMITS.shortText): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') refuse('INVALID_INPUT', `${field} must be a string`);
  if (value.length > maxLength) refuse('INVALID_INPUT', `${field} must be at most ${maxLength} characters`);
}

export function requireOneOf<T extends string>(value: unknown, options: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    refuse('INVALID_INPUT', `${field} must be one of ${options.join(', ')}`);
  }
  return value as T;
}

export function requireAmount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    refuse('INVALID_INPUT', `${field} must be a finite number of at least 0`);
  }
  return value;
}

/** Parses an ISO date or date-time; refuses anything Date cannot read. */
export function requireTime(value: unknown, field: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) refuse('INVALID_INPUT', `${field} must be an ISO date or date-time`);
  return ms;
}

export function requireStringList(value: unknown, field: string, maxItems: number): string[] {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    refuse('INVALID_INPUT', `${field} must be a list of strings`);
  }
  if (value.length > maxItems) refuse('INVALID_INPUT', `${field} may hold at most ${maxItems} entries`);
  return value as string[];
}
