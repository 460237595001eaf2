// Refusals: every rule a command breaks becomes an ApplicationFailure whose `type` is a code from
// the shared list, so the API maps it to an HTTP status without parsing messages.

import { ApplicationFailure } from '@temporalio/common';
import type { ErrorCode } from '../src/errors/codes';

export function refuse(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw ApplicationFailure.create({
    type: code,
    message,
    nonRetryable: true,
    details: details === undefined ? undefined : [details],
  });
}
