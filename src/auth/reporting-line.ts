// Who may see and act on whose deals: a rep on their own, a manager or director on everyone
// below them in the reporting line, an admin on all.
import type { PrismaClient } from '../db/prisma';

export interface Actor {
  id: string;
  role: 'rep' | 'manager' | 'director' | 'admin';
}

/** The ids of `userId` and everyone below them in the reporting line. */
export async function subtreeUserIds(prisma: PrismaClient, userId: string): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE line AS (
      SELECT id FROM "User" WHERE id = ${userId}::uuid
      UNION
      SELECT u.id FROM "User" u JOIN line ON u."managerId" = line.id
    ) SELECT id::text AS id FROM line`;
  return rows.map((r) => r.id);
}

export async function canActForOwner(prisma: PrismaClient, actor: Actor, ownerId: string): Promise<boolean> {
  if (actor.role === 'admin' || actor.id === ownerId) return true;
  if (actor.role === 'rep') return false;
  return (await subtreeUserIds(prisma, actor.id)).includes(ownerId);
}
