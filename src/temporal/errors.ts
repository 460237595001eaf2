// Maps what the Temporal client throws to the project's error codes, so the API answers a
// refusal with 4xx and its reason, and an unreachable worker or server with 503.
import {
  QueryNotRegisteredError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowFailedError,
} from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { AppError, appErrorFrom } from '../errors/app-error';

function rootApplicationFailure(err: unknown): ApplicationFailure | undefined {
  let current: unknown = err;
  for (let i = 0; i < 8 && current; i++) {
    if (current instanceof ApplicationFailure) return current;
    current =
      current instanceof TemporalFailure || current instanceof Error
        ? (current as { cause?: unknown }).cause
        : undefined;
  }
  return undefined;
}

/** A workflow refusal as an AppError: its code, its message and its typed details (the one detail `refuse` attaches). */
function refusal(failure: ApplicationFailure): AppError {
  const details = failure.details?.length === 1 ? failure.details[0] : undefined;
  return appErrorFrom(failure.type ?? undefined, failure.message, 'RULE_REFUSED', details);
}

/** gRPC status codes hide in `code` on the error or on one of its causes (ServiceError wraps them). */
function isGrpcStatus(err: unknown, codes: number[]): boolean {
  let current: unknown = err;
  for (let i = 0; i < 5 && current; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'number' && codes.includes(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

// gRPC: 4 DEADLINE_EXCEEDED, 14 UNAVAILABLE, 1 CANCELLED, 8 RESOURCE_EXHAUSTED (e.g. the server's
// limit of Updates in flight on one workflow).
const UNAVAILABLE_CODES = [1, 4, 8, 14];
// gRPC: 3 INVALID_ARGUMENT (e.g. an Update sent to a workflow that already completed), 9 FAILED_PRECONDITION.
const NOT_APPLICABLE_CODES = [9];

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof WorkflowNotFoundError) return new AppError('NOT_FOUND', 'opportunity not found');
  // A workflow of another type under that id (it has no opportunity state): not an opportunity.
  if (err instanceof QueryNotRegisteredError) return new AppError('NOT_FOUND', 'opportunity not found');
  if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowFailedError) {
    const failure = rootApplicationFailure(err);
    // The server, not the workflow, gave up on the Update: a busy worker finished its task before
    // taking it. Nothing ran, so it is a retry, not a refusal of the rules.
    if (failure?.type === 'UnprocessedUpdate') {
      return new AppError(
        'SERVICE_UNAVAILABLE',
        'the worker did not take the command in time; retry with the same Idempotency-Key',
      );
    }
    if (failure) return refusal(failure);
    return new AppError('RULE_REFUSED', err.message);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new AppError(
      'SERVICE_UNAVAILABLE',
      'the command was not confirmed in time (is the worker running?); retry with the same Idempotency-Key',
    );
  }
  if (isGrpcStatus(err, [14])) {
    return new AppError(
      'TEMPORAL_UNAVAILABLE',
      'the workflow service is unreachable; retry with the same Idempotency-Key',
    );
  }
  if (isGrpcStatus(err, UNAVAILABLE_CODES)) {
    return new AppError(
      'SERVICE_UNAVAILABLE',
      'the workflow service is unavailable; retry with the same Idempotency-Key',
    );
  }
  if (isGrpcStatus(err, NOT_APPLICABLE_CODES)) {
    return new AppError('DEAL_CLOSED', 'the opportunity workflow is no longer running');
  }
  const failure = rootApplicationFailure(err);
  if (failure) return refusal(failure);
  return new AppError('INTERNAL', 'internal error');
}
