// The API's field schemas, built on the one set of input rules the workflow's validators use
// (input-rules.ts): every string and date a route accepts goes through one of these.
import { z } from './zod';
import {
  INPUT_LIMITS,
  amountProblem,
  calendarDateProblem,
  dateOrDateTimeProblem,
  dateTimeProblem,
  textProblem,
  type TextKind,
} from './input-rules';

const refineWith = (check: (value: string) => string | null) => (value: string, ctx: z.RefinementCtx) => {
  const problem = check(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

const storable = (kind: TextKind) => refineWith((value) => textProblem(value, kind));

/** A required one-line name, account, title or key (trimmed, 1..max). */
export const zName = (max: number = INPUT_LIMITS.name) =>
  z.string().trim().min(1).max(max).superRefine(storable('name'));

/** An optional one-line value that may be empty (a title, a label). */
export const zOptionalName = (max: number = INPUT_LIMITS.name) =>
  z.string().trim().max(max).superRefine(storable('name'));

/** Required free text (reasons, notes, evidence): may span lines, no other control characters. */
export const zText = (max: number = INPUT_LIMITS.shortText) =>
  z.string().trim().min(1).max(max).superRefine(storable('text'));

/** Free text that may be empty (a comment). */
export const zOptionalText = (max: number = INPUT_LIMITS.shortText) =>
  z.string().trim().max(max).superRefine(storable('text'));

/** An id or key in a path or body, taken as given (not trimmed). */
export const zKey = (max: number = INPUT_LIMITS.name) =>
  z.string().min(1).max(max).superRefine(storable('name'));

/** A link: a URL with no control characters. */
export const zUrl = (max: number = INPUT_LIMITS.link) => z.url().max(max).superRefine(storable('name'));

/** A 'YYYY-MM-DD' day that exists, in the years INPUT_LIMITS allows. */
export const zCalendarDate = () =>
  z.string().superRefine(refineWith(calendarDateProblem)).openapi({ format: 'date', example: '2026-03-31' });

/** An ISO date-time with offset whose day exists, in the years INPUT_LIMITS allows. */
export const zDateTime = () =>
  z.string().superRefine(refineWith(dateTimeProblem)).openapi({ format: 'date-time' });

/** Either a calendar day or a date-time with offset (report bounds). */
export const zDateOrDateTime = () => z.string().superRefine(refineWith(dateOrDateTimeProblem));

/** Money: at most two decimals, within the read model's column; `positive` refuses 0. */
export const zAmount = ({ positive = false }: { positive?: boolean } = {}) =>
  z
    .number()
    .superRefine((value, ctx) => {
      const problem = amountProblem(value, { positive });
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .openapi({
      minimum: 0,
      maximum: INPUT_LIMITS.amountMax,
      description: `${positive ? 'Greater than 0' : 'At least 0'}, at most ${INPUT_LIMITS.amountDecimals} decimals`,
    });
