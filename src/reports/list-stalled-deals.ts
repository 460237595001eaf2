// The stalled deals of a scope, longest in stage first, with the escalation level each reached:
// the dashboard's list (the weekly report shows the first of the same list for its recipient).
//
// The longest in stage are read milestone by milestone along Opportunity(status, milestone,
// stageEnteredAt), `limit` at most from each, then merged: the whole company's list no longer
// sorts every stalled deal. Company-wide, the total is the rollups' count of stalled open deals.
// Milestones by key (issue 17): every version's milestones, and any key none of them has.
import { Prisma, type PrismaClient } from '../db/prisma';
import type { TStalledList } from './dashboard-schemas';
import { reportMilestoneKeys } from './report-milestones';
import { ownerFilter, reportQuery } from './report-scope';
import { rollupsApply } from './rollups/rollup-queries';

const DAY_MS = 86_400_000;

interface Row {
  id: string;
  name: string;
  account: string;
  ownerId: string;
  ownerName: string;
  milestone: string;
  stageEnteredAt: Date;
  escalationLevel: number;
  amount: number;
}

export async function listStalledDeals({
  prisma,
  scopeUserIds,
  limit,
  asOf = new Date(),
  useRollups,
}: {
  prisma: PrismaClient;
  scopeUserIds: readonly string[] | null;
  limit: number;
  asOf?: Date;
  useRollups?: boolean;
}): Promise<Omit<TStalledList, 'scope'>> {
  const owners = ownerFilter(Prisma.sql`o."ownerId"`, scopeUserIds);
  const stage = (at: Prisma.Sql) => Prisma.sql`(
      SELECT o."id", o."stageEnteredAt" FROM "Opportunity" o
       WHERE o."status" = 'open' AND ${at} AND o."stalled" ${owners}
       ORDER BY o."stageEnteredAt", o."id" LIMIT ${limit})`;
  const keys = reportMilestoneKeys();
  const perStage = [
    ...keys.map((key) => stage(Prisma.sql`o."milestone" = ${key}`)),
    // A milestone key no version has (none today) is still listed.
    stage(Prisma.sql`o."milestone" <> ALL(${keys}::text[])`),
  ];
  const company = scopeUserIds === null && rollupsApply({ scopeUserIds, from: asOf, to: asOf, useRollups });
  const [rows, [count]] = await Promise.all([
    reportQuery<Row>(
      prisma,
      Prisma.sql`
        SELECT o."id", o."name", o."account", o."ownerId"::text AS "ownerId", u."name" AS "ownerName",
               o."milestone", o."stageEnteredAt", o."escalationLevel", o."amount"::float8 AS "amount"
          FROM (${Prisma.join(perStage, ' UNION ALL ')}) top
          JOIN "Opportunity" o ON o."id" = top."id"
          JOIN "User" u ON u."id" = o."ownerId"
         ORDER BY top."stageEnteredAt", top."id" LIMIT ${limit}`,
    ),
    company
      ? reportQuery<{ total: number }>(
          prisma,
          Prisma.sql`SELECT coalesce(sum(r."n"), 0)::int AS "total" FROM "ReportRollup" r
                      WHERE r."kind" = 'open' AND r."flags" = 1`,
        )
      : reportQuery<{ total: number }>(
          prisma,
          Prisma.sql`SELECT count(*)::int AS "total" FROM "Opportunity" o
                      WHERE o."status" = 'open' AND o."stalled" ${owners}`,
        ),
  ]);
  return {
    asOf: asOf.toISOString(),
    total: count!.total,
    deals: rows.map((r) => ({
      id: r.id,
      name: r.name,
      account: r.account,
      ownerId: r.ownerId,
      ownerName: r.ownerName,
      milestone: r.milestone,
      daysInStage: Math.max(0, Math.floor((asOf.getTime() - r.stageEnteredAt.getTime()) / DAY_MS)),
      escalationLevel: r.escalationLevel,
      amount: r.amount,
    })),
  };
}
