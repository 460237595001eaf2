import type { z } from 'zod';
import type { InputIssue } from '../contracts/refusals';
import { AppError } from '../errors/app-error';

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A zod issue as the refusal's details: the rule and limit too, so a page can translate it. */
function inputIssue(issue: z.core.$ZodIssue, where: string, value: unknown): InputIssue {
  const out: InputIssue = {
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
    rule: issue.code,
  };
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    out.origin = issue.origin;
    const limit = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
    if (Number.isFinite(limit)) out.limit = limit;
  }
  if (issue.code === 'invalid_type') out.received = typeof valueAt(value, issue.path);
  return out;
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params' = 'body',
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      'INVALID_INPUT',
      `invalid ${where}`,
      parsed.error.issues.map((i) => inputIssue(i, where, value)),
    );
  }
  return parsed.data;
}
