// The reporting line as the directory (the User table) has it now: the chain of managers above a
// user. Used by the directory activities, the clock check and the users API alike.
import type { PrismaClient } from '../db/prisma';
import type { ReportingLine } from '../contracts/activities';

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
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { id: true, active: true } });
  if (!user) return null;
  const chain = await reportingChain(prisma, userId);
  const admin = await prisma.user.findFirst({
    where: { role: 'admin', active: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true },
  });
  return {
    userId,
    managerId: chain[0] ?? null,
    directorId: chain[1] ?? null,
    chain,
    active: user.active,
    adminId: admin?.id ?? null,
  };
}
