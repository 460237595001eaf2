// Each rep's claim cap: the cap a process owner set for the rep's team (TeamClaimCap, keyed by
// the rep's manager), else the process definition's default.
import { PSM_PROCESS } from '../../../workflows/psm-process';
import type { PrismaClient } from '../../db/prisma';

export async function claimCaps(prisma: PrismaClient, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await prisma.$queryRaw<{ id: string; cap: number | null }[]>`
    SELECT u."id"::text AS "id", t."cap" AS "cap"
      FROM "User" u LEFT JOIN "TeamClaimCap" t ON t."managerId" = u."managerId"
     WHERE u."id" = ANY(${userIds}::uuid[])`;
  const fallback = PSM_PROCESS.customerFunnel.claims.capDefault;
  return new Map(rows.map((r) => [r.id, r.cap ?? fallback]));
}
