import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../src/db/prisma';
import type { ReportingLine } from '../src/contracts/activities';
import { subtreeUserIds } from '../src/auth/reporting-line';
import { readReportingLine } from '../src/users/reporting-chain';

/** Deals that still have people acting on them: a reorganisation must reach these. */
const LIVE_STATUSES = ['open', 'on_hold'] as const;

export function createDirectoryActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    async lookupReportingLine(userId: string): Promise<ReportingLine> {
      const line = await readReportingLine(prisma, userId);
      if (!line) {
        throw ApplicationFailure.create({
          type: 'NOT_FOUND',
          message: `user ${userId} not found`,
          nonRetryable: true,
        });
      }
      return line;
    },

    /** Read-only, so a retry is harmless; the read model lists every deal a workflow started. */
    async listOpenDealsInLine(userId: string): Promise<string[]> {
      const owners = await subtreeUserIds(prisma, userId);
      const deals = await prisma.opportunity.findMany({
        where: { ownerId: { in: owners }, status: { in: [...LIVE_STATUSES] } },
        select: { id: true },
        orderBy: { id: 'asc' },
      });
      return deals.map((deal) => deal.id);
    },
  };
}
