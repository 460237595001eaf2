// Projects a command's result into the read model once its Update has committed. The workflow
// returns the events the command appended, so it spends no history on a projection activity per
// command. The projection runs just after the API has answered (the answer waits only for the
// Update), one at a time per deal, and shutdown waits for those in flight.
//
// If another command's projection went missing (its API process died between the Update and this
// step), the read model refuses the non-contiguous events and the gap is filled from the
// workflow's projectionSince query. If this step itself fails, the command still stands: the
// deal's next clock check sees the read model behind and re-projects (see opportunity.ts).
import type { Client } from '@temporalio/client';
import type { ProjectionInput } from '../contracts/activities';
import { projectOpportunity } from './project-opportunity';
import type { PrismaClient } from '../db/prisma';

export const PROJECTION_SINCE_QUERY = 'projectionSince';

export interface CommandProjectionDeps {
  prisma: PrismaClient;
  client: Client;
  timeoutMs: number;
  onError?: (err: unknown, opportunityId: string) => void;
}

export interface CommandProjector {
  /** Projects in the background; a deal's projections run in the order they were scheduled. */
  schedule(opportunityId: string, projection: ProjectionInput): void;
  /** Projects now; resolves once the read model has it (or the attempt failed and was reported). */
  project(opportunityId: string, projection: ProjectionInput): Promise<void>;
  /** Waits for every scheduled projection (at shutdown, and in tests). */
  drain(): Promise<void>;
}

export function createCommandProjector(deps: CommandProjectionDeps): CommandProjector {
  const tails = new Map<string, Promise<void>>();

  const project = async (opportunityId: string, projection: ProjectionInput): Promise<void> => {
    try {
      const { gapAfter } = await projectOpportunity(deps.prisma, projection, { requireContiguous: true });
      if (gapAfter === null) return;
      const fill = await deps.client.connection.withDeadline(Date.now() + deps.timeoutMs, () =>
        deps.client.workflow
          .getHandle(opportunityId)
          .query<ProjectionInput, [number]>(PROJECTION_SINCE_QUERY, gapAfter),
      );
      await projectOpportunity(deps.prisma, fill);
    } catch (err) {
      deps.onError?.(err, opportunityId);
    }
  };

  return {
    project,
    schedule(opportunityId, projection) {
      const previous = tails.get(opportunityId) ?? Promise.resolve();
      const next = previous.then(() => project(opportunityId, projection));
      tails.set(opportunityId, next);
      void next.then(() => {
        if (tails.get(opportunityId) === next) tails.delete(opportunityId);
      });
    },
    async drain() {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
  };
}
