import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../src/db/prisma';
import type { ReportingLine } from '../src/contracts/activities';
import { readReportingLine } from '../src/users/reporting-chain';

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
  };
}
