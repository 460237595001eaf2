// The workflow's own projections (escalations and emails it sent) as an activity; the projection
// itself is a domain function the API also calls after each command. It never fails on a
// poisoned event (that is dead-lettered), so the workflow's projection loop keeps flowing; an
// outage fails the attempt and Temporal retries it.
import { Context } from '@temporalio/activity';
import type { PrismaClient } from '../src/db/prisma';
import type { ProjectionInput } from '../src/contracts/activities';
import { projectSafely } from '../src/read-model/project-safely';

export function createProjectionActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    async projectOpportunity(input: ProjectionInput): Promise<void> {
      await projectSafely(prisma, input, { attempt: Context.current().info.attempt });
    },
  };
}
