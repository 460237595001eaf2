import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { AppError } from '../../errors/app-error';
import { localeFromAcceptLanguage, refusalMessage, resolveLocale, type TLocale } from '../../i18n';
import { toAppError } from '../../temporal/errors';
import type { Logger } from '../../logger';

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

/** Seconds a caller should wait before retrying a 503: dependencies come back in seconds, not ms. */
export const RETRY_AFTER_SECONDS = 5;

// Body-parser failures carry a `type`; they are the client's fault, never a 500.
function fromBodyParser(err: unknown): AppError | undefined {
  const type = (err as { type?: unknown })?.type;
  if (type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'request body too large');
  if (type === 'entity.parse.failed') return new AppError('INVALID_INPUT', 'request body is not valid JSON');
  if (typeof type === 'string' && type.startsWith('encoding.'))
    return new AppError('INVALID_INPUT', 'unsupported body encoding');
  if (type === 'charset.unsupported') return new AppError('INVALID_INPUT', 'unsupported charset');
  return undefined;
}

// Prisma's codes for "the server is not there" (P1001 unreachable, P1002 timed out, P1008 operation
// timed out, P1017 closed the connection, P2024 no pool connection in time, P2028 a transaction
// that could not start or finish in time: an overloaded database, rolled back, so a retry is
// safe), the driver adapter's kinds, and the pg driver's socket errors (raw queries).
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
const ADAPTER_UNAVAILABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
const SOCKET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
// PostgreSQL SQLSTATEs: connection exceptions (08…), shutting down / cannot connect now (57P…), 53300.
const SQLSTATE_UNAVAILABLE = /^(08\d{3}|57P0[1-3]|53300)$/;

function isDatabaseUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let i = 0; i < 6 && current && typeof current === 'object'; i++) {
    const e = current as {
      name?: unknown;
      code?: unknown;
      kind?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
      message?: unknown;
      cause?: unknown;
    };
    if (e.name === 'PrismaClientInitializationError') return true;
    if (typeof e.code === 'string') {
      if (PRISMA_UNAVAILABLE.has(e.code) || SOCKET_UNAVAILABLE.has(e.code)) return true;
      if (SQLSTATE_UNAVAILABLE.test(e.code)) return true;
    }
    const adapterCause = e.meta?.driverAdapterError?.cause;
    if (typeof adapterCause?.kind === 'string' && ADAPTER_UNAVAILABLE.has(adapterCause.kind)) return true;
    if (typeof e.kind === 'string' && ADAPTER_UNAVAILABLE.has(e.kind)) return true;
    if (
      typeof e.message === 'string' &&
      /Can't reach database server|Connection terminated|timeout exceeded when trying to connect/i.test(
        e.message,
      )
    )
      return true;
    current = e.cause;
  }
  return false;
}

export function toHttpError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fromParser = fromBodyParser(err);
  if (fromParser) return fromParser;
  if (isDatabaseUnavailable(err)) {
    return new AppError('DATABASE_UNAVAILABLE', 'the database is unavailable; retry shortly');
  }
  return toAppError(err);
}

/** The caller's language: the signed-in user's stored locale, else Accept-Language, else zh-CN. */
export function callerLocale(req: Request): TLocale {
  if (req.user) return resolveLocale(req.user.locale);
  return localeFromAcceptLanguage(req.get('accept-language')) ?? resolveLocale(undefined);
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toHttpError(err);
    if (appError.status >= 500) {
      logger.error({ err, reqId: req.id, code: appError.code }, 'request failed');
    }
    if (appError.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    if (appError.status === 429 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '60');
    const locale = callerLocale(req);
    let localized: string | undefined;
    try {
      localized = refusalMessage(locale, appError.code, appError.details);
    } catch (translateErr) {
      // The refusal must still reach the caller with its code and details.
      logger.warn({ err: translateErr, code: appError.code }, 'could not translate a refusal');
    }
    res.setHeader('Content-Language', locale);
    res.status(appError.status).json(appError.toBody(localized));
  };
}
