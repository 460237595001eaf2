import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../../errors/app-error';
import { toAppError } from '../../temporal/errors';
import type { Logger } from '../../logger';

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

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

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = fromBodyParser(err) ?? toAppError(err);
    if (appError.status >= 500) {
      logger.error({ err, reqId: req.id, code: appError.code }, 'request failed');
    }
    res.status(appError.status).json(appError.toJSON());
  };
}
