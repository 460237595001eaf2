// The people a customer report lists: every active rep in the scope, and anyone else in it who
// holds or moved accounts (a manager holding claims), by name.
import type { PrismaClient } from '../../db/prisma';

export interface ReportPerson {
  id: string;
  name: string;
}

export async function scopeReps(
  prisma: PrismaClient,
  scopeUserIds: readonly string[] | null,
  withData: Iterable<string>,
): Promise<ReportPerson[]> {
  const extra = [...new Set(withData)].filter((id) => scopeUserIds === null || scopeUserIds.includes(id));
  const people = await prisma.user.findMany({
    where: {
      OR: [
        {
          role: 'rep',
          active: true,
          ...(scopeUserIds === null ? {} : { id: { in: [...scopeUserIds] } }),
        },
        { id: { in: extra } },
      ],
    },
    select: { id: true, name: true },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  return people;
}
