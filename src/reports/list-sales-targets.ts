// Targets the caller may see: their own line's (a rep: their own), everyone's for an admin.
import type { PrismaClient } from '../db/prisma';
import type { Actor } from '../auth/reporting-line';
import { dayToStoredDate } from './report-period';
import { resolveReportScope } from './resolve-report-scope';
import { toTargetDto } from './set-sales-target';
import type { TListTargetsQuery, TSalesTarget } from './target-schemas';

export async function listSalesTargets({
  prisma,
  actor,
  query,
}: {
  prisma: PrismaClient;
  actor: Actor;
  query: TListTargetsQuery;
}): Promise<TSalesTarget[]> {
  const { scopeUserIds } = await resolveReportScope({
    prisma,
    caller: actor,
    team: query.team,
    rep: query.userId,
  });
  const rows = await prisma.salesTarget.findMany({
    where: {
      ...(scopeUserIds === null ? {} : { userId: { in: scopeUserIds } }),
      ...(query.from ? { periodEnd: { gte: dayToStoredDate(query.from) } } : {}),
      ...(query.to ? { periodStart: { lte: dayToStoredDate(query.to) } } : {}),
    },
    orderBy: [{ userId: 'asc' }, { periodStart: 'asc' }],
    take: query.limit,
  });
  return rows.map(toTargetDto);
}
