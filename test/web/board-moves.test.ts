// The board's pure arithmetic: a completed move shows in its new column with both columns' totals
// adjusted until the read model has it; the team filter's choices; which drops are moves.
import { applyMoves, canDrop, settledMoves, teamLeads } from '../../src/web/app/views/board/board-moves';
import { cardsPagePath, withPages } from '../../src/web/app/views/board/board-pages';
import type { Board, BoardCard } from '../../src/web/app/views/board/board-types';

const card = (
  id: string,
  reachedIndex: number,
  amount: number,
  probability: number,
  status: 'open' | 'on_hold' = 'open',
): BoardCard => ({
  id,
  name: id,
  account: 'A',
  amount,
  currency: 'CNY',
  ownerId: 'u1',
  ownerName: 'U',
  status,
  reachedIndex,
  nextMilestone: null,
  probability,
  stageEnteredAt: '2026-01-01T00:00:00.000Z',
  daysInStage: 12,
  stalled: true,
  noSponsorWarning: false,
  escalationLevel: 1,
});

const board = (): Board => ({
  scope: { team: null, rep: null, userCount: 1 },
  asOf: '2026-02-01T00:00:00.000Z',
  owners: [],
  columns: [
    {
      key: 'not_initiated',
      index: -1,
      name: null,
      winPct: 0,
      count: 1,
      amount: 100,
      weighted: 0,
      cards: [card('a', -1, 100, 0)],
      nextCursor: null,
    },
    {
      key: 'project_initiation',
      index: 0,
      name: null,
      winPct: 5,
      count: 2,
      amount: 3000,
      weighted: 100,
      cards: [card('b', 0, 1000, 5), card('c', 0, 2000, 5, 'on_hold')],
      nextCursor: 'after-c',
    },
    {
      key: 'deep_engagement',
      index: 1,
      name: null,
      winPct: 10,
      count: 0,
      amount: 0,
      weighted: 0,
      cards: [],
      nextCursor: null,
    },
  ],
});

describe('board moves', () => {
  it('moves a card to its new column, adjusting count, amount and weighted of both', () => {
    const moved = applyMoves(board(), new Map([['b', 1]]));
    const [, from, to] = moved.columns;
    expect([from!.count, from!.amount, from!.weighted, from!.cards.map((c) => c.id)]).toEqual([
      1,
      2000,
      50,
      ['c'],
    ]);
    expect([to!.count, to!.amount, to!.weighted]).toEqual([1, 1000, 100]);
    expect(to!.cards[0]).toMatchObject({
      id: 'b',
      reachedIndex: 1,
      probability: 10,
      daysInStage: 0,
      stalled: false,
      escalationLevel: 0,
    });
  });

  it('ignores moves the server already shows, moves to no column and unknown deals', () => {
    const b = board();
    expect(
      applyMoves(
        b,
        new Map([
          ['b', 0],
          ['a', -1],
          ['zz', 1],
          ['c', 5],
        ]),
      ).columns,
    ).toEqual(b.columns);
    expect(
      settledMoves(
        b,
        new Map([
          ['b', 0],
          ['a', 0],
          ['gone', 3],
        ]),
      ),
    ).toEqual(['b', 'gone']);
  });

  it("accepts a drop only on the column of the deal's next milestone and only for an open deal", () => {
    const next = (nextMilestone: string | null, status: 'open' | 'on_hold' = 'open') => ({
      nextMilestone,
      status,
    });
    expect(canDrop(next('project_initiation'), { key: 'project_initiation' })).toBe(true);
    expect(canDrop(next('project_initiation'), { key: 'deep_engagement' })).toBe(false);
    expect(canDrop(next('deep_engagement', 'on_hold'), { key: 'deep_engagement' })).toBe(false);
    // By key: on an older process version the next milestone need not be the next column.
    expect(canDrop(next('technical_breakthrough_2'), { key: 'technical_breakthrough_2' })).toBe(true);
    expect(canDrop(next(null), { key: 'contract_signed' })).toBe(false);
  });

  it('offers as teams the people someone reports to', () => {
    const owners = [
      { id: 'd', name: 'D', managerId: null },
      { id: 'm', name: 'M', managerId: 'd' },
      { id: 'r', name: 'R', managerId: 'm' },
    ];
    expect(teamLeads(owners).map((o) => o.id)).toEqual(['d', 'm']);
  });
});

describe('board pages', () => {
  it("appends a column's further pages once each and takes their cursor; other columns unchanged", () => {
    const b = board();
    expect(withPages(b, new Map())).toBe(b);
    const paged = withPages(
      b,
      new Map([
        ['project_initiation', { cards: [card('c', 0, 2000, 5), card('d', 0, 10, 5)], nextCursor: null }],
      ]),
    );
    const column = paged.columns[1]!;
    expect(column.cards.map((c) => c.id)).toEqual(['b', 'c', 'd']);
    expect(column.nextCursor).toBeNull();
    expect(paged.columns[0]).toBe(b.columns[0]);
    expect(cardsPagePath('project_initiation', 'after-c', 200, { team: '', rep: 'u1' })).toBe(
      '/api/board/cards?column=project_initiation&after=after-c&limit=200&rep=u1',
    );
  });
});
