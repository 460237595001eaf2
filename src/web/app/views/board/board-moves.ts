// Pure board arithmetic: a card moved on the page (completed in the workflow, not yet in the read
// model the board comes from) shows in its new column with the totals adjusted, until the server's
// board has it there too.
import type { Board, BoardCard, BoardColumn, BoardOwner } from './board-types';

/** deal id -> the milestone index the page knows it reached. */
export type Moves = ReadonlyMap<string, number>;

const cents = (n: number) => Math.round(n * 100) / 100;

function withoutCard(column: BoardColumn, card: BoardCard): BoardColumn {
  return {
    ...column,
    count: column.count - 1,
    amount: cents(column.amount - card.amount),
    weighted: cents(column.weighted - (card.status === 'open' ? (card.amount * card.probability) / 100 : 0)),
    cards: column.cards.filter((c) => c.id !== card.id),
  };
}

function withCard(column: BoardColumn, card: BoardCard): BoardColumn {
  return {
    ...column,
    count: column.count + 1,
    amount: cents(column.amount + card.amount),
    weighted: cents(column.weighted + (card.status === 'open' ? (card.amount * card.probability) / 100 : 0)),
    cards: [...column.cards, card],
  };
}

/** The board with each move applied; moves the server already shows (or passed) are ignored. */
export function applyMoves(board: Board, moves: Moves): Board {
  let columns = board.columns;
  for (const [id, to] of moves) {
    const from = columns.find((c) => c.cards.some((x) => x.id === id));
    const target = columns.find((c) => c.index === to);
    const card = from?.cards.find((x) => x.id === id);
    if (!from || !target || !card || from.index >= to) continue;
    const moved: BoardCard = {
      ...card,
      reachedIndex: to,
      // The server's card says the next milestone of the deal's own process version; until it has
      // the move, the next column is the best guess (the workflow refuses a wrong move by key).
      nextMilestone: columns.find((c) => c.index === to + 1)?.key ?? null,
      probability: target.winPct,
      daysInStage: 0,
      stalled: false,
      escalationLevel: 0,
    };
    columns = columns.map((c) => (c === from ? withoutCard(c, card) : c === target ? withCard(c, moved) : c));
  }
  return { ...board, columns };
}

/** Moves the server's board now shows (the card at or past that column, or gone): no longer needed. */
export function settledMoves(board: Board, moves: Moves): string[] {
  const settled: string[] = [];
  for (const [id, to] of moves) {
    const card = board.columns.flatMap((c) => c.cards).find((x) => x.id === id);
    if (!card || card.reachedIndex >= to) settled.push(id);
  }
  return settled;
}

/** People who lead someone in the list: the team filter's choices. */
export function teamLeads(owners: readonly BoardOwner[]): BoardOwner[] {
  const leads = new Set(owners.map((o) => o.managerId).filter((id): id is string => id !== null));
  return owners.filter((o) => leads.has(o.id));
}

/**
 * Whether a card may be dropped on a column: only its next milestone's (by key: the next one of the
 * deal's own process version, which may not be the next column), and only an open deal.
 */
export function canDrop(
  card: Pick<BoardCard, 'nextMilestone' | 'status'>,
  column: Pick<BoardColumn, 'key'>,
): boolean {
  return card.status === 'open' && card.nextMilestone !== null && column.key === card.nextMilestone;
}
