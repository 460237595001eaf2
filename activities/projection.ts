// The workflow's own projections (escalations and emails it sent) as an activity; the projection
// itself is a domain function the API also calls after each command.
import type { PrismaClient } from '../src/db/prisma';
import type { ProjectionInput } from '../src/contracts/activities';
import { projectOpportunity } from '../src/opportunities/project-opportunity';

export function createProjectionActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    async projectOpportunity(input: ProjectionInput): Promise<void> {
      await projectOpportunity(prisma, input);
    },
  };
}
