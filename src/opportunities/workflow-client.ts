// Talks to opportunity workflows: start, query, and commands as Updates bounded by a deadline,
// so a dead worker yields a clear 503 instead of a hanging request. Temporal deduplicates an
// Update by its id, and the workflow remembers request ids across continue-as-new, so retrying
// with the same Idempotency-Key never applies a command twice.
import { latestProcessVersion } from '../../workflows/process-versions';
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { isReportingLinePending } from '../contracts/refusals';
import { dealSearchAttributes, dealSummary } from '../contracts/search-attributes';
import { AppError } from '../errors/app-error';
import { toAppError } from '../temporal/errors';
import { commandOutcome, recordCommand } from '../observability/metrics';
import type { CommandProjector, ProjectionMark } from './command-projection';
import type {
  Actor,
  CommandInputs,
  CommandName,
  CommandResult,
  OpportunityStartInput,
} from '../../workflows/opportunity-types';
import type { OpportunityView } from '../../workflows/opportunity-view';
import type { opportunity } from '../../workflows/opportunity';
import { getStateQuery, opportunityUpdates } from '../../workflows/opportunity-messages';
import { PSM_PROCESS } from '../../workflows/psm-process';

/** The workflow type (its function's name); `start<typeof opportunity>` checks the arguments against it. */
export const OPPORTUNITY_WORKFLOW = 'opportunity';

export interface OpportunityClientOptions {
  client: Client;
  taskQueue: string;
  timeoutMs: number;
  /** Projects each command's result into the read model once the Update has committed. */
  projector: CommandProjector;
  /** Wait for the read model before answering (scripts); the API answers first. */
  awaitProjection?: boolean;
  /** A new deal's workflow task timeout (TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS); unset: Temporal's 10 s. */
  workflowTaskTimeoutMs?: number;
}

export interface CommandOptions {
  /**
   * Answer only once the read model has the command (or after this long): for commands that change
   * who may see the deal, so the next request, served from the read model, already sees the change.
   */
  waitForReadModelMs?: number;
}

/** Resolves when `work` settles or after `ms`, whichever comes first. */
async function settledWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

type CommandFields<N extends CommandName> = Omit<CommandInputs[N], 'requestId' | 'actor'>;

export function newOpportunityId(ownerId: string, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return `opp-${randomUUID()}`;
  // A retried create with the same key lands on the same workflow id and is recognised.
  return `opp-${createHash('sha256').update(`${ownerId}\0${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

/** The search attributes a deal starts with (the workflow keeps them current from then on). */
export function startSearchAttributes(
  input: Pick<OpportunityStartInput, 'ownerId' | 'amount' | 'account'>,
): SearchAttributePair[] {
  return dealSearchAttributes({
    milestone: PSM_PROCESS.milestones[0]!.key,
    ownerId: input.ownerId,
    status: 'open',
    stalled: false,
    amount: input.amount,
    account: input.account,
  });
}

export function createOpportunityClient({
  client,
  taskQueue,
  timeoutMs,
  projector,
  awaitProjection = false,
  workflowTaskTimeoutMs,
}: OpportunityClientOptions) {
  const withDeadline = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await client.connection.withDeadline(Date.now() + timeoutMs, fn);
    } catch (err) {
      throw toAppError(err);
    }
  };

  // The mark usually lands before the Update returns; a slow database must not hold the answer.
  const markWritten = (mark: ProjectionMark) =>
    Promise.race([mark.written, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);

  const isClosed = async (id: string): Promise<boolean> => {
    try {
      const d = await client.connection.withDeadline(Date.now() + timeoutMs, () =>
        client.workflow.getHandle(id).describe(),
      );
      return d.status.name !== 'RUNNING';
    } catch {
      return false;
    }
  };

  return {
    /** Returns created=false when a workflow with this id already exists (a retried create). */
    async start(input: OpportunityStartInput): Promise<{ id: string; created: boolean }> {
      // The workflow projects its own created event; the mark covers a projection that never lands.
      const mark = projector.mark(input.id, 'create');
      const started = await withDeadline(async () => {
        try {
          await client.workflow.start<typeof opportunity>(OPPORTUNITY_WORKFLOW, {
            workflowId: input.id,
            taskQueue,
            // A new deal runs on the latest process version (issue 17), unless the caller chose one.
            args: [{ ...input, processVersion: input.processVersion ?? latestProcessVersion() }],
            // Kept by every continue-as-new (the server carries it over).
            ...(workflowTaskTimeoutMs === undefined ? {} : { workflowTaskTimeout: workflowTaskTimeoutMs }),
            // What an operator searches by and sees in the Temporal UI; the workflow keeps them current.
            typedSearchAttributes: startSearchAttributes(input),
            staticSummary: dealSummary(input),
          });
          return { id: input.id, created: true };
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) return { id: input.id, created: false };
          throw err;
        }
      }).catch((err: unknown) => {
        projector.unmark(mark);
        recordCommand('create', commandOutcome(err));
        throw err;
      });
      if (!started.created) projector.unmark(mark);
      await markWritten(mark);
      recordCommand('create', started.created ? 'ok' : 'repeated');
      return started;
    },

    async state(id: string): Promise<OpportunityView> {
      return withDeadline(() => client.workflow.getHandle(id).query(getStateQuery));
    },

    async command<N extends CommandName>(
      id: string,
      name: N,
      fields: CommandFields<N>,
      actor: Actor,
      idempotencyKey: string | undefined,
      options: CommandOptions = {},
    ): Promise<CommandResult> {
      const requestId = idempotencyKey ? `${name}:${idempotencyKey}` : `${name}:${randomUUID()}`;
      const input = { ...fields, requestId, actor } as CommandInputs[N];
      const deadline = Date.now() + timeoutMs;
      // Written while the Update runs; left behind if this process dies before projecting.
      const mark = projector.mark(id, 'command');
      // A deal's first moments: the workflow refuses commands (SERVICE_UNAVAILABLE, nothing
      // recorded) until it has read the owner's reporting line. Retry that briefly, same request id.
      for (let attempt = 0; ; attempt++) {
        try {
          const { projection, ...result } = await withDeadline(() =>
            client.workflow.getHandle(id).executeUpdate(opportunityUpdates[name], {
              args: [input],
              updateId: requestId,
            }),
          );
          await markWritten(mark);
          if (projection && awaitProjection) await projector.project(id, projection, mark);
          else if (projection) {
            const projected = projector.schedule(id, projection, mark);
            if (options.waitForReadModelMs) await settledWithin(projected, options.waitForReadModelMs);
          }
          // A repeat: its first caller may have died before projecting it.
          else projector.ensure(id, result.seq, mark);
          recordCommand(name, 'ok');
          return result;
        } catch (err) {
          // Refused (4xx): nothing was recorded. A timeout or outage keeps its mark: the Update may have committed.
          if (err instanceof AppError && err.status < 500) projector.unmark(mark);
          // A won deal's workflow completes once its handover checklist is done: an Update to
          // it is "not found" to the server, but to the caller the deal is closed, not missing.
          if (err instanceof AppError && err.code === 'NOT_FOUND' && (await isClosed(id))) {
            recordCommand(name, 'DEAL_CLOSED');
            throw new AppError('DEAL_CLOSED', 'this opportunity is closed: its process has finished');
          }
          const transient = err instanceof AppError && isReportingLinePending(err.code, err.details);
          if (!transient || Date.now() + 200 > deadline) {
            recordCommand(name, commandOutcome(err));
            throw err;
          }
          await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 500)));
        }
      }
    },
  };
}

export type OpportunityClient = ReturnType<typeof createOpportunityClient>;
