// The pipeline board: the open (and on-hold) deals of the caller's scope by the milestone they
// have reached, with each column's totals. A deal still applying for project initiation has
// reached nothing yet; it sits in a first column of its own, so that a move to the next column is
// always the completion of the milestone that column names.
import { Prisma, type PrismaClient } from '../db/prisma';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { cents, ownerFilter, reportQuery } from './report-scope';
import type { TBoard, TBoardCard } from './dashboard-schemas';

export const NOT_INITIATED = 'not_initiated';
const DAY_MS = 86_400_000;

/**
 * The read model keeps the deal's stage index (0 while applying for initiation) and its win %;
 * every milestone's win % is above 0, so an open deal at 0 % has reached none.
 */
const REACHED = Prisma.sql`CASE WHEN o.probability = 0 THEN -1 ELSE o."milestoneIndex" END`;

interface TotalRow {
  col: number;
  count: number;
  amount: number;
  weighted: number;
}
interface CardRow {
  id: string;
  name: string;
  account: string;
  amount: number;
  currency: string;
  ownerId: string;
  ownerName: string;
  status: 'open' | 'on_hold';
  col: number;
  probability: number;
  stageEnteredAt: Date;
  stalled: boolean;
  noSponsorWarning: boolean;
  escalationLevel: number;
}

export async function buildBoard({
  prisma,
  scopeUserIds,
  perColumn,
  asOf = new Date(),
}: {
  prisma: PrismaClient;
  scopeUserIds: readonly string[] | null;
  perColumn: number;
  asOf?: Date;
}): Promise<Omit<TBoard, 'scope' | 'owners'>> {
  const where = Prisma.sql`o.status IN ('open', 'on_hold') ${ownerFilter(Prisma.sql`o."ownerId"`, scopeUserIds)}`;
  const [totals, cards] = await Promise.all([
    // Weighted counts open deals only: a deal on hold is out of the forecast until resumed.
    reportQuery<TotalRow>(
      prisma,
      Prisma.sql`
        SELECT ${REACHED}::int AS col, count(*)::int AS count, coalesce(sum(o.amount), 0)::float8 AS amount,
               coalesce(sum(o.amount * o.probability / 100.0) FILTER (WHERE o.status = 'open'), 0)::float8
                 AS weighted
        FROM "Opportunity" o WHERE ${where} GROUP BY 1`,
    ),
    reportQuery<CardRow>(
      prisma,
      Prisma.sql`
        SELECT * FROM (
          SELECT o.id, o.name, o.account, o.amount::float8 AS amount, o.currency, o."ownerId"::text AS "ownerId",
                 u.name AS "ownerName", o.status::text AS status, ${REACHED}::int AS col, o.probability,
                 o."stageEnteredAt", o.stalled, o."noSponsorWarning", o."escalationLevel",
                 row_number() OVER (PARTITION BY ${REACHED} ORDER BY o."stageEnteredAt", o.id) AS rank
          FROM "Opportunity" o JOIN "User" u ON u.id = o."ownerId"
          WHERE ${where}
        ) ranked WHERE rank <= ${perColumn} ORDER BY col, rank`,
    ),
  ]);

  const milestones = PSM_PROCESS.milestones;
  const columns = [-1, ...milestones.map((_, i) => i)].map((index) => {
    const m = index >= 0 ? milestones[index]! : null;
    const total = totals.find((t) => t.col === index);
    return {
      key: m?.key ?? NOT_INITIATED,
      index,
      name: m ? { zh: m.name.zh, en: m.name.en } : null,
      winPct: m?.winPct ?? 0,
      count: total?.count ?? 0,
      amount: cents(total?.amount ?? 0),
      weighted: cents(total?.weighted ?? 0),
      cards: [] as TBoardCard[],
    };
  });
  for (const row of cards) {
    const column = columns.find((c) => c.index === row.col);
    if (!column) continue;
    column.cards.push({
      id: row.id,
      name: row.name,
      account: row.account,
      amount: cents(row.amount),
      currency: row.currency,
      ownerId: row.ownerId,
      ownerName: row.ownerName,
      status: row.status,
      reachedIndex: row.col,
      nextMilestone: milestones[row.col + 1]?.key ?? null,
      probability: row.probability,
      stageEnteredAt: row.stageEnteredAt.toISOString(),
      daysInStage: Math.max(0, Math.floor((asOf.getTime() - row.stageEnteredAt.getTime()) / DAY_MS)),
      stalled: row.stalled,
      noSponsorWarning: row.noSponsorWarning,
      escalationLevel: row.escalationLevel,
    });
  }
  return { asOf: asOf.toISOString(), columns };
}
