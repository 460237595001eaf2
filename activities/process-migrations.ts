// The bulk process migration's step (issue 17): one deal's migrateProcessVersion Update, sent with
// the worker's own Temporal client. A refusal (the deal cannot be migrated, or it has finished) is
// an outcome, not a failure: the run reports it and goes on with the next deal.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { DealMigrationOutcome, DealMigrationRequest } from '../src/contracts/activities';
import { migrateProcessVersionUpdate } from '../workflows/opportunity-migration';

export function createProcessMigrationActivities() {
  return {
    async migrateDealToVersion(input: DealMigrationRequest): Promise<DealMigrationOutcome> {
      const none = { fromVersion: null, milestone: null, mustMeet: [] };
      try {
        const result = await Context.current()
          .client.workflow.getHandle(input.opportunityId)
          .executeUpdate(migrateProcessVersionUpdate, {
            args: [
              {
                requestId: input.requestId,
                actor: input.actor,
                toVersion: input.toVersion,
                dryRun: input.dryRun,
              },
            ],
          });
        const last = result.plan.steps.at(-1);
        return {
          opportunityId: input.opportunityId,
          outcome: result.changed
            ? 'migrated'
            : input.dryRun && result.plan.changes
              ? 'planned'
              : 'unchanged',
          fromVersion: result.plan.fromVersion,
          milestone: last ? last.milestone : null,
          mustMeet: result.plan.steps.flatMap((s) => s.mustMeet),
          code: null,
          message: null,
        };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError)
          return {
            opportunityId: input.opportunityId,
            outcome: 'refused',
            ...none,
            code: 'NOT_FOUND',
            message: err.message,
          };
        const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
        if (cause instanceof ApplicationFailure)
          return {
            opportunityId: input.opportunityId,
            outcome: 'refused',
            ...none,
            code: cause.type ?? 'RULE_REFUSED',
            message: cause.message,
          };
        // A finished deal's workflow cannot take the Update.
        if (String(err).includes('workflow execution already completed'))
          return {
            opportunityId: input.opportunityId,
            outcome: 'refused',
            ...none,
            code: 'DEAL_CLOSED',
            message: String(err),
          };
        throw err;
      }
    },
  };
}
