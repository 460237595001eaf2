// The stalled deals of a scope, longest in stage first, with the escalation level each reached:
// the dashboard's list (the weekly report shows the first of the same list for its recipient).
//
// The longest in stage are read milestone by milestone along Opportunity(status, milestone,
// stageEnteredAt), `limit` at most from each, then merged: the whole company's list no longer
// sorts every stalled deal. Company-wide, the total is the rollups' count of stalled open deals.
// Milestones by key (issue 17): whatever milestones open deals are at, known to a version or not.
import { Prisma, type PrismaClient } from '../db/prisma';
import type { TStalledList } from './dashboard-schemas';
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
  // The milestones open deals are at, by a skip scan of Opportunity(status, milestone, ...): one
  // index probe per milestone, whichever version (or none) has it. Listing the known keys and
  // then "any other key" cost a scan of every open deal for the other keys (290 ms at 1,000,000
  // deals, issue 16).
  const perStage = Prisma.sql`
      WITH RECURSIVE stages AS (
        (SELECT o."milestone" FROM "Opportunity" o WHERE o."status" = 'open'
          ORDER BY o."milestone" LIMIT 1)
        UNION ALL
        SELECT (SELECT o."milestone" FROM "Opportunity" o
                 WHERE o."status" = 'open' AND o."milestone" > s."milestone"
                 ORDER BY o."milestone" LIMIT 1)
          FROM stages s WHERE s."milestone" IS NOT NULL)
      SELECT stage."id", stage."stageEnteredAt" FROM stages s
       CROSS JOIN LATERAL (
         SELECT o."id", o."stageEnteredAt" FROM "Opportunity" o
          WHERE o."status" = 'open' AND o."milestone" = s."milestone" AND o."stalled" ${owners}
          ORDER BY o."stageEnteredAt", o."id" LIMIT ${limit}) stage
       WHERE s."milestone" IS NOT NULL`;
  const company = scopeUserIds === null && rollupsApply({ scopeUserIds, from: asOf, to: asOf, useRollups });
  const [rows, [count]] = await Promise.all([
    reportQuery<Row>(
      prisma,
      Prisma.sql`
        SELECT o."id", o."name", o."account", o."ownerId"::text AS "ownerId", u."name" AS "ownerName",
               o."milestone", o."stageEnteredAt", o."escalationLevel", o."amount"::float8 AS "amount"
          FROM (${perStage}) top
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
