import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../src/db/prisma';
import type { ReportingLine } from './contracts';

// A reporting line longer than this is a data error (a cycle), not an organisation.
const MAX_CHAIN = 20;

export async function reportingChain(prisma: PrismaClient, userId: string): Promise<string[]> {
  const chain: string[] = [];
  let current = await prisma.user.findUnique({ where: { id: userId }, select: { managerId: true } });
  if (!current) return chain;
  while (current?.managerId && chain.length < MAX_CHAIN && !chain.includes(current.managerId)) {
    chain.push(current.managerId);
    current = await prisma.user.findUnique({ where: { id: current.managerId }, select: { managerId: true } });
  }
  return chain;
}

/** The user's reporting line as the directory has it now; null for an unknown user. */
export async function readReportingLine(prisma: PrismaClient, userId: string): Promise<ReportingLine | null> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!user) return null;
  const chain = await reportingChain(prisma, userId);
  return { userId, managerId: chain[0] ?? null, directorId: chain[1] ?? null, chain };
}

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
