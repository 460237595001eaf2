// Refusals: every rule a command breaks becomes an ApplicationFailure whose `type` is a code from
// the shared list and whose one detail is that code's typed details (src/contracts/refusals.ts),
// so the API maps it to an HTTP status and the page reads its fields without parsing messages.
// A refusal is thrown by an Update validator and never reaches history, so what it carries can
// change without a patch.

import { ApplicationFailure } from '@temporalio/common';
import type { ErrorCode } from '../src/errors/codes';
import { REPORTING_LINE_PENDING, type RefusalDetails } from '../src/contracts/refusals';

export function refuse<C extends ErrorCode>(code: C, message: string, details?: RefusalDetails<C>): never {
  throw ApplicationFailure.create({
    type: code,
    message,
    nonRetryable: true,
    details: details === undefined ? undefined : [details],
  });
}

/** A malformed field: INVALID_INPUT with the same `{ path, message }` issue the API's zod check gives. */
export function refuseInput(field: string, message: string): never {
  return refuse('INVALID_INPUT', `${field} ${message}`, [{ path: field, message }]);
}

/** The deal has not read its owner's reporting line yet: the caller retries the same request. */
export function refuseReportingLinePending(): never {
  return refuse(
    'SERVICE_UNAVAILABLE',
    'the owner’s reporting line is still being looked up; retry in a moment',
    {
      reason: REPORTING_LINE_PENDING,
    },
  );
}
