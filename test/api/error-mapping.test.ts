// Which failures the API answers as 503 "retry shortly" rather than 500: a database that is
// unreachable or too busy to start or finish a transaction in time.
import { Prisma } from '../../src/db/prisma';
import { AppError } from '../../src/errors/app-error';
import { toHttpError } from '../../src/api/middleware/errors';

const prismaError = (code: string, message: string) =>
  new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: 'test' });

it.each([
  ['P2024', 'Timed out fetching a new connection from the connection pool.'],
  ['P2028', 'Transaction API error: Unable to start a transaction in the given time.'],
  ['P2028', 'Transaction API error: A commit cannot be executed on an expired transaction.'],
])('answers Prisma %s (%s) as 503 DATABASE_UNAVAILABLE', (code, message) => {
  const err = toHttpError(prismaError(code, message));
  expect(err.code).toBe('DATABASE_UNAVAILABLE');
  expect(err.status).toBe(503);
});

it('keeps a unique violation and an unknown error off the 503 path', () => {
  expect(toHttpError(prismaError('P2002', 'Unique constraint failed')).status).not.toBe(503);
  expect(toHttpError(new Error('boom')).status).toBe(500);
});

it('passes an AppError through unchanged', () => {
  const refusal = new AppError('INVALID_INPUT', 'bad');
  expect(toHttpError(refusal)).toBe(refusal);
});
