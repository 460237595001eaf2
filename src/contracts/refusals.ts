// The typed details a refusal carries, by error code, from the workflow's ApplicationFailure to the
// API's JSON body and the page. Callers decide on `code` and these fields, never on message text.
import type { ErrorCode } from '../errors/codes';

/**
 * One bad field: where (`body.amount`, `evidence`) and why. `message` is for developers; a page
 * translates from `rule` (zod's issue code: too_big, too_small, invalid_type, ...), `origin`
 * (string, number, array) and `limit` (the maximum or minimum passed).
 */
export interface InputIssue {
  path: string;
  message: string;
  rule?: string;
  origin?: string;
  limit?: number;
  /** For invalid_type: what was sent ('undefined' when the field is missing). */
  received?: string;
}

/** Why a command could not run yet; the caller may retry the same request. */
export const REPORTING_LINE_PENDING = 'reporting_line_pending';

export interface RefusalDetailsByCode {
  INVALID_INPUT: InputIssue[];
  CRITERIA_NOT_MET: { rule: 'all' | 'any'; missing: string[] };
  UNKNOWN_CRITERION: { unknown: string[] };
  APPROVAL_PENDING: { approvalId: string };
  MILESTONE_OUT_OF_ORDER: { expected?: string };
  SERVICE_UNAVAILABLE: { reason: typeof REPORTING_LINE_PENDING };
}

/** The details type of a code: typed where the list above says, any object otherwise. */
export type RefusalDetails<C extends ErrorCode> = C extends keyof RefusalDetailsByCode
  ? RefusalDetailsByCode[C]
  : Record<string, unknown>;

/** True when an error's details say the command can be retried as it is in a moment. */
export function isReportingLinePending(code: string, details: unknown): boolean {
  return (
    code === 'SERVICE_UNAVAILABLE' &&
    typeof details === 'object' &&
    details !== null &&
    (details as { reason?: unknown }).reason === REPORTING_LINE_PENDING
  );
}
