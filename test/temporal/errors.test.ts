// How the API reads what the Temporal client throws: a workflow's refusal keeps its code and
// details; the server giving up on an Update, or being out of room for one, is a retry (503).
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { toAppError } from '../../src/temporal/errors';

const updateFailed = (failure: ApplicationFailure) =>
  new WorkflowUpdateFailedError('Workflow Update failed', failure);

it('a refusal from the workflow keeps its code and details', () => {
  const err = toAppError(
    updateFailed(
      ApplicationFailure.create({
        type: 'CRITERIA_NOT_MET',
        message: 'criteria missing',
        nonRetryable: true,
        details: [{ missing: ['budget_confirmed'] }],
      }),
    ),
  );
  expect({ code: err.code, status: err.status, details: err.details }).toEqual({
    code: 'CRITERIA_NOT_MET',
    status: 422,
    details: { missing: ['budget_confirmed'] },
  });
});

it("an Update the server rejected because no worker processed it is 503, not a rule's refusal", () => {
  // The server's own failure (temporal service/history/workflow/update errors_failures.go).
  const unprocessed = ApplicationFailure.create({
    type: 'UnprocessedUpdate',
    message:
      "Workflow Update is rejected because it wasn't processed by worker. Probably, Workflow Update is not supported by the worker.",
    nonRetryable: true,
  });
  const err = toAppError(updateFailed(unprocessed));
  expect({ code: err.code, status: err.status }).toEqual({ code: 'SERVICE_UNAVAILABLE', status: 503 });
});

it('RESOURCE_EXHAUSTED (too many Updates in flight on one workflow) is 503', () => {
  const grpc = Object.assign(
    new Error('limit on number of concurrent in-flight updates has been reached (10)'),
    {
      code: 8,
    },
  );
  const err = toAppError(Object.assign(new Error('update failed'), { cause: grpc }));
  expect({ code: err.code, status: err.status }).toEqual({ code: 'SERVICE_UNAVAILABLE', status: 503 });
});
