// The one list of error codes, shared by workflows (ApplicationFailure.type), activities and the API.
// Pure data: workflows import it, so it must never import a runtime module.

export const ERROR_HTTP_STATUS = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ALREADY_DECIDED: 409,
  PAYLOAD_TOO_LARGE: 413,
  // An API token sent in the query string (it would reach logs, history and proxies): refused.
  TOKEN_IN_QUERY: 400,
  // Demoting or deactivating the last active admin would leave nobody to administer the system.
  LAST_ADMIN: 409,
  // Rule refusals from the workflow's Update validators.
  MILESTONE_OUT_OF_ORDER: 422,
  CRITERIA_NOT_MET: 422,
  EVIDENCE_REQUIRED: 422,
  APPROVAL_REQUIRED: 422,
  APPROVAL_PENDING: 422,
  UNKNOWN_CRITERION: 422,
  UNKNOWN_CHECKLIST_ITEM: 422,
  UNKNOWN_APPROVAL: 422,
  DEAL_CLOSED: 422,
  DEAL_ON_HOLD: 422,
  DEAL_NOT_ON_HOLD: 422,
  DEAL_NOT_CLOSED: 422,
  NOT_APPROVER: 403,
  // Nobody decides their own request: the approval goes to the next person above them.
  SELF_APPROVAL: 403,
  // A deal's new owner must be active and in the reporting line of whoever reassigns it.
  OWNER_OUTSIDE_LINE: 403,
  OWNER_INACTIVE: 422,
  RULE_REFUSED: 422,
  // The deal team (LTC): members act within their role; the owner and the owner's line change the team.
  NOT_IN_ROLE: 403,
  TEAM_CHANGE_FORBIDDEN: 403,
  TEAM_MEMBER_INACTIVE: 422,
  TEAM_MEMBER_IS_OWNER: 422,
  // Kickoff (开工会): a large or major deal records its project plan before it moves on.
  PROJECT_PLAN_REQUIRED: 422,
  KICKOFF_TOO_EARLY: 422,
  // Handover (交底会): the FR or the named delivery owner accepts every handover document.
  HANDOVER_NOT_PENDING: 422,
  HANDOVER_DOCUMENTS_MISSING: 422,
  NOT_HANDOVER_ACCEPTOR: 403,
  // A deal started before the LTC rules does not have the deal team, plan or handover.
  LTC_NOT_AVAILABLE: 422,
  // Signed email links.
  TOKEN_INVALID: 400,
  TOKEN_EXPIRED: 410,
  TOKEN_USED: 409,
  RATE_LIMITED: 429,
  // Chat callbacks (WeCom, DingTalk, Feishu): refused before anything is read or changed.
  CALLBACK_SIGNATURE_INVALID: 401,
  CALLBACK_STALE: 401,
  CALLBACK_NOT_CONFIGURED: 404,
  // A card clicked by a platform account that no active user has in their channel preferences.
  CHAT_USER_UNLINKED: 403,
  // Sign-in: one answer for an unknown email, a wrong password, no password yet or an inactive user.
  SIGN_IN_FAILED: 401,
  // A cookie-authenticated change without the X-CSRF-Token matching psm_csrf (or from another origin).
  CSRF_FAILED: 403,
  // Password policy (details carry the limit).
  PASSWORD_TOO_SHORT: 422,
  PASSWORD_TOO_LONG: 422,
  PASSWORD_CONTAINS_EMAIL: 422,
  PASSWORD_TOO_COMMON: 422,
  // A mail dead-lettered for good (unstorable data, permanent SMTP rejection); never retried.
  MAIL_UNDELIVERABLE: 422,
  // Claims (报备) on accounts (issue 11, C2)
  ACCOUNT_ALREADY_CLAIMED: 409,
  ACCOUNT_NOT_CLAIMED: 422,
  CLAIM_COOL_DOWN: 422,
  CLAIM_CAP_REACHED: 422,
  CLAIM_DAILY_LIMIT: 422,
  CLAIM_CAP_OUT_OF_BOUNDS: 422,
  UNKNOWN_BUSINESS_SIGNAL: 422,
  ACCOUNT_ACTIVE_KEEPS_OWNER: 422,
  // Process versions (issue 17, V1): migrating a running deal to a later process version.
  PROCESS_VERSION_UNKNOWN: 422,
  PROCESS_VERSION_DOWNGRADE: 422,
  PROCESS_MIGRATION_MISSING: 422,
  PROCESS_MIGRATION_UNMAPPED: 422,
  PROCESS_MIGRATION_BLOCKED: 409,
  // Accounts (issue 11, C1): 撞单 — the credit code or normalised name is another account's; the
  // details say which account and who holds it (masked outside that owner's line).
  ACCOUNT_DUPLICATE: 409,
  CREDIT_CODE_INVALID: 400,
  // A CSV import refused as a whole (encoding, no name column, broken quoting, too many rows): nothing written.
  IMPORT_FILE_INVALID: 400,
  SERVICE_UNAVAILABLE: 503,
  // A dependency is down: retry later (Retry-After says when); the code names which part.
  DATABASE_UNAVAILABLE: 503,
  TEMPORAL_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_HTTP_STATUS, value);
}
