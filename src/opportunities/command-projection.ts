// Projects a command's result into the read model once its Update has committed. The workflow
// returns the events the command appended, so the read model is current when the API answers,
// without the workflow spending history on a projection activity per command.
//
// If another command's projection went missing (its API process died between the Update and this
// step), the read model refuses the non-contiguous events and the gap is filled from the
// workflow's projectionSince query. If this step itself fails, the command still stands: the
// deal's next clock check sees the read model behind and re-projects (see opportunity.ts).
import type { Client } from '@temporalio/client';
import type { ProjectionInput } from '../../activities/contracts';
import { projectOpportunity } from '../../activities/projection';
import type { PrismaClient } from '../db/prisma';

export const PROJECTION_SINCE_QUERY = 'projectionSince';

export interface CommandProjectionDeps {
  prisma: PrismaClient;
  client: Client;
  timeoutMs: number;
  onError?: (err: unknown, opportunityId: string) => void;
}

export type CommandProjector = (opportunityId: string, projection: ProjectionInput) => Promise<void>;

export function createCommandProjector(deps: CommandProjectionDeps): CommandProjector {
  return async (opportunityId, projection) => {
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
}
