// The pipeline board: the open (and on-hold) deals of the caller's scope by the milestone they
// have reached, with each column's totals. A deal still applying for project initiation has
// reached nothing yet; it sits in a first column of its own, so that a move to the next column is
// always the completion of the milestone that column names.
//
// Columns are milestone keys (issue 17): a deal sits in the column of the milestone it reached,
// whatever its position in the process version the deal runs on, and its next milestone is the
// one after it in that version. Columns come in the report's order (the latest version's, with
// milestones only older versions have by their old neighbour: report-milestones.ts).
import { Prisma, type PrismaClient } from '../db/prisma';
import { nextMilestoneOf, reportMilestones } from './report-milestones';
import { cents, ownerFilter, reportQuery } from './report-scope';
import type { TBoard, TBoardCard } from './dashboard-schemas';

export const NOT_INITIATED = 'not_initiated';
const DAY_MS = 86_400_000;

/**
 * The read model keeps the deal's stage key (its first milestone's while applying for initiation)
 * and its win %; every milestone's win % is above 0, so an open deal at 0 % has reached none.
 */
const REACHED = Prisma.sql`CASE WHEN o.probability = 0 THEN ${NOT_INITIATED} ELSE o."milestone" END`;

const CARD_COLUMNS = Prisma.sql`o.id, o.name, o.account, o.amount::float8 AS amount, o.currency,
  o."ownerId"::text AS "ownerId", u.name AS "ownerName", o.status::text AS status, ${REACHED}::text AS col,
  o."processVersion", o.probability, o."stageEnteredAt", o.stalled, o."noSponsorWarning", o."escalationLevel"`;

interface TotalRow {
  col: string;
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
  col: string;
  processVersion: number;
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
        SELECT ${REACHED}::text AS col, count(*)::int AS count, coalesce(sum(o.amount), 0)::float8 AS amount,
               coalesce(sum(o.amount * o.probability / 100.0) FILTER (WHERE o.status = 'open'), 0)::float8
                 AS weighted
        FROM "Opportunity" o WHERE ${where} GROUP BY 1`,
    ),
    reportQuery<CardRow>(
      prisma,
      Prisma.sql`
        SELECT * FROM (
          SELECT ${CARD_COLUMNS},
                 row_number() OVER (PARTITION BY ${REACHED} ORDER BY o."stageEnteredAt", o.id) AS rank
          FROM "Opportunity" o JOIN "User" u ON u.id = o."ownerId"
          WHERE ${where}
        ) ranked WHERE rank <= ${perColumn} ORDER BY col, rank`,
    ),
  ]);

  const columns = [null, ...reportMilestones()].map((m) => {
    const key = m?.key ?? NOT_INITIATED;
    const total = totals.find((t) => t.col === key);
    return {
      key,
      index: m?.index ?? -1,
      name: m ? { zh: m.name.zh, en: m.name.en } : null,
      winPct: m?.winPct ?? 0,
      count: total?.count ?? 0,
      amount: cents(total?.amount ?? 0),
      weighted: cents(total?.weighted ?? 0),
      cards: [] as TBoardCard[],
      nextCursor: null as string | null,
    };
  });
  for (const row of cards) columns.find((c) => c.key === row.col)?.cards.push(toCard(row, asOf));
  for (const column of columns) {
    const last = column.cards.at(-1);
    column.nextCursor = last && column.count > column.cards.length ? cursorAfter(last) : null;
  }
  return { asOf: asOf.toISOString(), columns };
}

function toCard(row: CardRow, asOf: Date): TBoardCard {
  return {
    id: row.id,
    name: row.name,
    account: row.account,
    amount: cents(row.amount),
    currency: row.currency,
    ownerId: row.ownerId,
    ownerName: row.ownerName,
    status: row.status,
    reachedIndex: boardColumnIndex(row.col) ?? -1,
    nextMilestone: nextMilestoneOf(row, row.col === NOT_INITIATED ? null : row.col),
    probability: row.probability,
    stageEnteredAt: row.stageEnteredAt.toISOString(),
    daysInStage: Math.max(0, Math.floor((asOf.getTime() - row.stageEnteredAt.getTime()) / DAY_MS)),
    stalled: row.stalled,
    noSponsorWarning: row.noSponsorWarning,
    escalationLevel: row.escalationLevel,
  };
}

/** Where the next page of a column starts: after this card in the column's order. */
function cursorAfter(card: TBoardCard): string {
  return Buffer.from(`${card.stageEnteredAt}|${card.id}`, 'utf8').toString('base64url');
}

function parseCursor(cursor: string): { at: Date; id: string } | null {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = at ? new Date(at) : null;
  if (!date || Number.isNaN(date.getTime()) || !id || rest.length > 0) return null;
  return { at: date, id };
}

/** The column holds UTC without a zone (as Prisma writes it): compare as such, whatever the session's zone. */
function utcTimestamp(at: Date): string {
  return at.toISOString().replace('Z', '');
}

/** The column index of a board column key; undefined for a key no column has. */
export function boardColumnIndex(key: string): number | undefined {
  if (key === NOT_INITIATED) return -1;
  return reportMilestones().find((m) => m.key === key)?.index;
}

/** The board column key of a column index (boardColumnIndex's inverse). */
function boardColumnKey(index: number): string | undefined {
  if (index === -1) return NOT_INITIATED;
  return reportMilestones()[index]?.key;
}

/**
 * The next page of one column, in the board's order (longest in the stage first), after the
 * cursor the board or the previous page gave. Keyset paging: a page costs the same however deep.
 */
export async function listBoardCards({
  prisma,
  scopeUserIds,
  column,
  after,
  limit,
  asOf = new Date(),
}: {
  prisma: PrismaClient;
  scopeUserIds: readonly string[] | null;
  column: number;
  after: string | undefined;
  limit: number;
  asOf?: Date;
}): Promise<{ cards: TBoardCard[]; nextCursor: string | null } | { badCursor: true }> {
  const from = after === undefined ? null : parseCursor(after);
  if (after !== undefined && !from) return { badCursor: true };
  const key = boardColumnKey(column);
  if (key === undefined) return { cards: [], nextCursor: null };
  const rows = await reportQuery<CardRow>(
    prisma,
    Prisma.sql`
      SELECT ${CARD_COLUMNS}
      FROM "Opportunity" o JOIN "User" u ON u.id = o."ownerId"
      WHERE o.status IN ('open', 'on_hold') ${ownerFilter(Prisma.sql`o."ownerId"`, scopeUserIds)}
        AND ${REACHED} = ${key}
        ${from ? Prisma.sql`AND (o."stageEnteredAt", o.id) > (${utcTimestamp(from.at)}::timestamp(3), ${from.id})` : Prisma.empty}
      ORDER BY o."stageEnteredAt", o.id
      LIMIT ${limit + 1}`,
  );
  const cards = rows.slice(0, limit).map((r) => toCard(r, asOf));
  const last = cards.at(-1);
  return { cards, nextCursor: rows.length > limit && last ? cursorAfter(last) : null };
}
