// The reporting line as the directory (the User table) has it now: the chain of managers above a
// user. Used by the directory activities, the clock check and the users API alike.
//
// One statement (a recursive walk up User.managerId) instead of a round trip per manager: every
// deal's wake-up clock check reads its owner's line, so this is on the path of each timer's
// lateness (npm run bench:clock-check).
import { Prisma, type PrismaClient } from '../db/prisma';
import type { ReportingLine } from '../contracts/activities';
import { z } from '../contracts/zod';

// A reporting line longer than this is a data error (a cycle), not an organisation.
const MAX_CHAIN = 20;

/** A user id is a UUID (any version: the column is PostgreSQL uuid); anything else is nobody. */
const isUserId = (id: string): boolean => z.guid().safeParse(id).success;

/**
 * The managers above `userId`, nearest first, as one recursive CTE named "up": each row carries
 * the chain walked so far, a manager already in it (a cycle) or a chain of MAX_CHAIN ends the walk.
 */
function upTheLine(userId: string): Prisma.Sql {
  return Prisma.sql`
    WITH RECURSIVE up(id, "managerId", chain) AS (
      SELECT u.id, u."managerId", ARRAY[]::text[] FROM "User" u WHERE u.id = ${userId}::uuid
      UNION ALL
      SELECT m.id, m."managerId", up.chain || m.id::text
      FROM up JOIN "User" m ON m.id = up."managerId"
      WHERE cardinality(up.chain) < ${MAX_CHAIN} AND NOT (m.id::text = ANY(up.chain))
    )`;
}

export async function reportingChain(prisma: PrismaClient, userId: string): Promise<string[]> {
  if (!isUserId(userId)) return [];
  const rows = await prisma.$queryRaw<{ chain: string[] }[]>`
    ${upTheLine(userId)}
    SELECT chain FROM up ORDER BY cardinality(chain) DESC LIMIT 1`;
  return rows[0]?.chain ?? [];
}

/** The user's reporting line as the directory has it now; null for an unknown user. */
export async function readReportingLine(prisma: PrismaClient, userId: string): Promise<ReportingLine | null> {
  if (!isUserId(userId)) return null;
  const rows = await prisma.$queryRaw<
    { active: boolean | null; chain: string[] | null; adminId: string | null }[]
  >`
    ${upTheLine(userId)}
    SELECT
      (SELECT active FROM "User" WHERE id = ${userId}::uuid) AS active,
      (SELECT chain FROM up ORDER BY cardinality(chain) DESC LIMIT 1) AS chain,
      (SELECT id::text FROM "User" WHERE role = 'admin' AND active
        ORDER BY "createdAt" ASC, id ASC LIMIT 1) AS "adminId"`;
  const row = rows[0];
  if (!row || row.active === null) return null;
  const chain = row.chain ?? [];
  return {
    userId,
    managerId: chain[0] ?? null,
    directorId: chain[1] ?? null,
    chain,
    active: row.active,
    adminId: row.adminId,
  };
}
