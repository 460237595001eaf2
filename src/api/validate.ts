import type { z } from 'zod';
import { AppError } from '../errors/app-error';

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
      parsed.error.issues.map((i) => ({
        path: [where, ...i.path.map(String)].join('.'),
        message: i.message,
      })),
    );
  }
  return parsed.data;
}
