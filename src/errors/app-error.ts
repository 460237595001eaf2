import { ERROR_HTTP_STATUS, isErrorCode, type ErrorCode } from './codes';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_HTTP_STATUS[this.code];
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/** An error from elsewhere (a workflow refusal): an unknown code becomes `fallback`, details stay. */
export function appErrorFrom(
  code: string | undefined,
  message: string,
  fallback: ErrorCode = 'RULE_REFUSED',
  details?: unknown,
): AppError {
  return new AppError(isErrorCode(code) ? code : fallback, message, details);
}
