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

  /**
   * The API's error body. `message` is the developer's English sentence (logs, scripts);
   * `localizedMessage`, when given, is the same refusal in the caller's language for people.
   * Callers decide on `code` and `details`, never on either text.
   */
  toBody(localizedMessage?: string): {
    error: { code: ErrorCode; message: string; localizedMessage?: string; details?: unknown };
  } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(localizedMessage === undefined ? {} : { localizedMessage }),
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }

  /** JSON.stringify(error) gives the body without the localized message. */
  toJSON(): ReturnType<AppError['toBody']> {
    return this.toBody();
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
