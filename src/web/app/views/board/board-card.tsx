// One deal on the board: what a manager scans for (name, account, amount, owner, days in stage,
// the stalled / escalated / no-sponsor markers), draggable to the next column, with a button that
// does the same for keyboards and phones (touch screens have no HTML5 drag and drop).
import { formatAmount } from '../../format';
import { dealHref } from '../../router';
import { tb } from './board-t';
import type { BoardCard } from './board-types';

export function BoardCardView({
  card,
  nextName,
  pending,
  refusal,
  onMove,
  onDragStart,
  onDragEnd,
}: {
  card: BoardCard;
  /** The next column's milestone name; null when there is none or the deal cannot move. */
  nextName: string | null;
  pending: boolean;
  refusal: string | null;
  onMove: () => void;
  onDragStart: () => void;
  onDragEnd: () => void;
}) {
  const movable = card.status === 'open' && nextName !== null;
  return (
    <li
      class={`board-card${pending ? ' pending' : ''}${card.stalled ? ' stalled' : ''}`}
      data-deal-id={card.id}
      draggable={movable}
      onDragStart={(e) => {
        e.dataTransfer?.setData('text/plain', card.id);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
        onDragStart();
      }}
      onDragEnd={onDragEnd}
    >
      <a class="board-card-name" href={dealHref(card.id)}>
        {card.name}
      </a>
      <div class="board-card-account">{card.account}</div>
      <div class="board-card-facts">
        <span class="board-card-amount">{formatAmount(card.amount, card.currency, { compact: true })}</span>
        <span class="board-card-owner">{card.ownerName}</span>
      </div>
      <div class="board-card-facts">
        <span class="board-card-days">{tb('card.daysInStage', { count: card.daysInStage })}</span>
        <span class="board-card-markers">
          {card.status === 'on_hold' ? <span class="badge">{tb('card.onHold')}</span> : null}
          {card.stalled ? <span class="badge warn">{tb('card.stalled')}</span> : null}
          {card.escalationLevel > 0 ? (
            <span class="badge danger">{tb('card.escalated', { level: card.escalationLevel })}</span>
          ) : null}
          {card.noSponsorWarning ? <span class="badge warn">{tb('card.noSponsor')}</span> : null}
        </span>
      </div>
      {refusal ? (
        <p class="board-card-refusal" role="status">
          {refusal}
        </p>
      ) : null}
      {movable ? (
        <button
          type="button"
          class="board-card-move"
          onClick={onMove}
          aria-label={tb('card.moveAria', { deal: card.name, milestone: nextName })}
        >
          {tb('card.move', { milestone: nextName })}
        </button>
      ) : null}
    </li>
  );
}
