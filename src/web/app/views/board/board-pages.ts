// Columns longer than a page: the board lists the first cards of each column, and "show more"
// appends the next page (GET /api/board/cards, keyset paging after the last card shown).
import type { Board, BoardCard } from './board-types';

export interface ColumnPages {
  cards: BoardCard[];
  nextCursor: string | null;
}

/** The board with each column's further pages appended (a card listed twice is shown once). */
export function withPages(board: Board, pages: ReadonlyMap<string, ColumnPages>): Board {
  if (pages.size === 0) return board;
  return {
    ...board,
    columns: board.columns.map((column) => {
      const more = pages.get(column.key);
      if (!more) return column;
      const seen = new Set(column.cards.map((c) => c.id));
      return {
        ...column,
        cards: [...column.cards, ...more.cards.filter((c) => !seen.has(c.id))],
        nextCursor: more.nextCursor,
      };
    }),
  };
}

export function cardsPagePath(
  column: string,
  after: string,
  limit: number,
  filter: { team: string; rep: string },
): string {
  const q = new URLSearchParams({ column, after, limit: String(limit) });
  if (filter.team) q.set('team', filter.team);
  if (filter.rep) q.set('rep', filter.rep);
  return `/api/board/cards?${q}`;
}
