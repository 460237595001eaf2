// The pipeline board: a column per milestone (and one for deals still applying for project
// initiation) with its deals, totals and weighted totals, filtered by team or owner. A move to the
// next column is a milestone completion through the workflow's gates; there is no other path.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { ErrorBox, errorCode, errorHint, errorTitle } from '../../components/error-box';
import { Field } from '../../components/form';
import { formatAmount } from '../../format';
import { label, useSession } from '../../session';
import { applyMoves, canDrop, settledMoves, teamLeads } from './board-moves';
import { cardsPagePath, withPages, type ColumnPages } from './board-pages';
import { BoardCardView } from './board-card';
import { BOARD_CSS } from './board-style';
import { tb } from './board-t';
import type { Board, BoardCard, BoardColumn, BoardFilter } from './board-types';
import { MoveDialog, type MoveRequest } from './move-dialog';

/** How long a completed move is shown before the read model must have it. */
const MOVE_GRACE_MS = 30_000;

/** Cards per column the page asks for; the totals count every deal, and a note says how many more. */
const CARDS_PER_COLUMN = 200;

function boardPath(filter: BoardFilter): string {
  const q = new URLSearchParams({ perColumn: String(CARDS_PER_COLUMN) });
  if (filter.team) q.set('team', filter.team);
  if (filter.rep) q.set('rep', filter.rep);
  return `/api/board?${q}`;
}

/**
 * Opened straight on #/board, the page asks for the board while the shell is still signing in
 * (GET /api/me, the users), instead of after it: a round trip or two less to the first cards.
 */
let early: Promise<Board> | null =
  typeof location !== 'undefined' && location.hash.startsWith('#/board')
    ? api<Board>('GET', boardPath({ team: '', rep: '' }), { expectUnauthenticated: true }).then((r) => r.data)
    : null;
// A failure here (signed out) is the shell's to handle; the view asks again.
early?.catch(() => undefined);

function firstBoard(filter: BoardFilter): Promise<Board> {
  const pending = early;
  early = null;
  if (pending && !filter.team && !filter.rep) return pending.catch(() => fetchBoard(filter));
  return fetchBoard(filter);
}

async function fetchBoard(filter: BoardFilter): Promise<Board> {
  return (await api<Board>('GET', boardPath(filter))).data;
}

export function BoardPage() {
  const session = useSession();
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [filter, setFilter] = useState<BoardFilter>({ team: '', rep: '' });
  const [moves, setMoves] = useState<Map<string, number>>(new Map());
  const [tentative, setTentative] = useState<{ id: string; to: number } | null>(null);
  const [request, setRequest] = useState<MoveRequest | null>(null);
  const [dragging, setDragging] = useState<BoardCard | null>(null);
  const [dropOn, setDropOn] = useState<number | null>(null);
  const [refusals, setRefusals] = useState<Map<string, string>>(new Map());
  const [pages, setPages] = useState<Map<string, ColumnPages>>(new Map());
  const [loadingMore, setLoadingMore] = useState<string | null>(null);

  const load = useCallback(async (f: BoardFilter) => {
    try {
      const data = await firstBoard(f);
      setBoard(data);
      setError(null);
      setMoves((current) => {
        const settled = settledMoves(data, current);
        if (settled.length === 0) return current;
        const next = new Map(current);
        for (const id of settled) next.delete(id);
        return next;
      });
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    setPages(new Map());
    void load(filter);
  }, [filter, load]);

  const showMore = async (column: BoardColumn) => {
    if (!column.nextCursor || loadingMore) return;
    setLoadingMore(column.key);
    try {
      const { data } = await api<ColumnPages>(
        'GET',
        cardsPagePath(column.key, column.nextCursor, CARDS_PER_COLUMN, filter),
      );
      setPages((current) => {
        const before = current.get(column.key);
        return new Map(current).set(column.key, {
          cards: [...(before?.cards ?? []), ...data.cards],
          nextCursor: data.nextCursor,
        });
      });
    } catch (err) {
      setError(err);
    } finally {
      setLoadingMore(null);
    }
  };

  const shown = useMemo(() => {
    if (!board) return null;
    const all = new Map(moves);
    if (tentative) all.set(tentative.id, tentative.to);
    return applyMoves(withPages(board, pages), all);
  }, [board, pages, moves, tentative]);

  const columnName = (c: BoardColumn) => (c.name ? label(c.name) : tb('column.notInitiated'));
  // By key: the next milestone of the deal's own process version (issue 17).
  const nextColumn = (card: BoardCard) => shown?.columns.find((c) => c.key === card.nextMilestone) ?? null;

  const startMove = (card: BoardCard) => {
    const target = nextColumn(card);
    if (!target || !canDrop(card, target)) return;
    setTentative({ id: card.id, to: target.index });
    setRequest({ card, milestone: target.key, to: target.index });
  };

  const refusalText = (err: unknown) => {
    const hint = errorHint(err, session.process);
    return tb('card.refused', { reason: hint ?? errorTitle(err), code: errorCode(err) });
  };

  const completed = (req: MoveRequest) => {
    const to = req.to;
    setMoves((m) => new Map(m).set(req.card.id, to));
    setTentative(null);
    setRequest(null);
    setRefusals((r) => {
      const next = new Map(r);
      next.delete(req.card.id);
      return next;
    });
    const target = board?.columns.find((c) => c.index === to);
    session.toast(tb('move.done', { deal: req.card.name, milestone: label(target?.name) }));
    // Pages after the first were read before the move: read the first page again instead.
    setPages(new Map());
    void load(filter);
    // The read model may lag the workflow for a moment: look again, then let the server decide.
    window.setTimeout(() => void load(filter), 1500);
    window.setTimeout(() => {
      setMoves((m) => {
        const next = new Map(m);
        next.delete(req.card.id);
        return next;
      });
    }, MOVE_GRACE_MS);
  };

  const leads = board ? teamLeads(board.owners) : [];
  const owners = board?.owners ?? [];

  return (
    <section class="board" aria-labelledby="board-title">
      <style>{BOARD_CSS}</style>
      <h1 id="board-title">{tb('title')}</h1>
      <p class="muted small">{tb('intro')}</p>
      {owners.length > 1 ? (
        <form class="board-filters" id="board-filters" onSubmit={(e) => e.preventDefault()}>
          {leads.length > 0 ? (
            <Field label={tb('filter.team')}>
              <select
                id="board-filter-team"
                value={filter.team}
                onChange={(e) => setFilter({ team: (e.currentTarget as HTMLSelectElement).value, rep: '' })}
              >
                <option value="">{tb('filter.allTeams')}</option>
                {leads.map((o) => (
                  <option key={o.id} value={o.id}>
                    {tb('filter.teamOf', { name: o.name })}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          <Field label={tb('filter.owner')}>
            <select
              id="board-filter-owner"
              value={filter.rep}
              onChange={(e) => setFilter({ ...filter, rep: (e.currentTarget as HTMLSelectElement).value })}
            >
              <option value="">{tb('filter.allOwners')}</option>
              {owners.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </Field>
        </form>
      ) : null}
      <ErrorBox error={error} />
      {!shown && !error ? <p class="muted">{tb('loading')}</p> : null}
      {shown ? (
        <div class="board-columns" id="board-columns">
          {shown.columns.map((column) => {
            const titleId = `board-col-${column.key}`;
            return (
              <section
                key={column.key}
                class={`board-column${dropOn === column.index ? ' drop-ok' : ''}`}
                data-column={column.key}
                aria-labelledby={titleId}
                onDragOver={(e) => {
                  if (dragging && canDrop(dragging, column)) {
                    e.preventDefault();
                    if (dropOn !== column.index) setDropOn(column.index);
                  }
                }}
                onDragLeave={() => setDropOn((d) => (d === column.index ? null : d))}
                onDrop={(e) => {
                  e.preventDefault();
                  setDropOn(null);
                  const id = e.dataTransfer?.getData('text/plain') || dragging?.id;
                  const card = shown.columns.flatMap((c) => c.cards).find((c) => c.id === id);
                  setDragging(null);
                  if (card && canDrop(card, column)) startMove(card);
                }}
              >
                <h2 id={titleId}>{columnName(column)}</h2>
                <dl class="board-column-totals">
                  <div>
                    <dt class="visually-hidden">{tb('column.count')}</dt>
                    <dd class="board-column-count">{tb('column.deals', { count: column.count })}</dd>
                  </div>
                  <div>
                    <dt class="visually-hidden">{tb('column.amount')}</dt>
                    <dd class="board-column-amount">
                      {tb('column.total', { amount: formatAmount(column.amount, 'CNY', { compact: true }) })}
                    </dd>
                  </div>
                  <div>
                    <dt class="visually-hidden">{tb('column.weighted')}</dt>
                    <dd class="board-column-weighted">
                      {tb('column.weightedTotal', {
                        amount: formatAmount(column.weighted, 'CNY', { compact: true }),
                        pct: column.winPct,
                      })}
                    </dd>
                  </div>
                </dl>
                {column.cards.length === 0 ? <p class="board-empty">{tb('column.empty')}</p> : null}
                <ul>
                  {column.cards.map((card) => {
                    const next = nextColumn(card);
                    return (
                      <BoardCardView
                        key={card.id}
                        card={card}
                        nextName={next ? columnName(next) : null}
                        pending={tentative?.id === card.id}
                        refusal={refusals.get(card.id) ?? null}
                        onMove={() => startMove(card)}
                        onDragStart={() => setDragging(card)}
                        onDragEnd={() => {
                          setDragging(null);
                          setDropOn(null);
                        }}
                      />
                    );
                  })}
                </ul>
                {column.count > column.cards.length ? (
                  <p class="board-empty">
                    {tb('column.more', { count: column.count - column.cards.length })}
                  </p>
                ) : null}
                {column.nextCursor ? (
                  <button
                    type="button"
                    class="board-more"
                    aria-busy={loadingMore === column.key}
                    disabled={loadingMore !== null}
                    onClick={() => void showMore(column)}
                  >
                    {loadingMore === column.key
                      ? tb('column.loadingMore')
                      : tb('column.showMore', {
                          count: Math.min(CARDS_PER_COLUMN, column.count - column.cards.length),
                        })}
                  </button>
                ) : null}
              </section>
            );
          })}
        </div>
      ) : null}
      {request ? (
        <MoveDialog
          key={`${request.card.id}-${request.milestone}`}
          request={request}
          onCompleted={() => completed(request)}
          onRefused={(err) => {
            // The card goes back to where it was, with the reason on it; the form stays open.
            setTentative(null);
            if (err instanceof ApiError)
              setRefusals((r) => new Map(r).set(request.card.id, refusalText(err)));
          }}
          onClose={() => {
            setTentative(null);
            setRequest(null);
          }}
        />
      ) : null}
    </section>
  );
}
