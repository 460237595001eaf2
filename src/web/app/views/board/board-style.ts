// The board's layout: columns side by side, scrolled sideways (one column per screen on a phone,
// snapping), cards stacked in each.
export const BOARD_CSS = `
.board-filters { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; margin-bottom: 0.75rem; }
.board-filters .field { min-width: 12rem; }
.board-columns { position: relative; display: flex; gap: 0.75rem; overflow-x: auto; scroll-snap-type: x mandatory; padding-bottom: 0.5rem; }
.board-column { flex: 0 0 15rem; scroll-snap-align: start; background: #e9edf2; border-radius: 8px; padding: 0.5rem;
  display: flex; flex-direction: column; min-height: 12rem; border: 2px solid transparent; }
.board-column.drop-ok { border-color: #2f6fde; background: #eaf1fd; }
.board-column h2 { font-size: 1rem; margin: 0.25rem 0; }
.board-column-totals { font-size: 0.85rem; color: #4a5563; margin: 0 0 0.5rem; display: grid; gap: 0.1rem; }
.board-column-totals dd { margin: 0; }
.board-column ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
.board-card { background: #fff; border-radius: 6px; padding: 0.5rem 0.6rem; box-shadow: 0 1px 2px rgba(0,0,0,.12);
  display: grid; gap: 0.2rem; border-left: 4px solid #c7d2e0; }
/* Off-screen cards (most of a 500-deal board) are laid out only when scrolled to. The placeholder
   is at least a card's real height (152 px at 15 px rem, 175 with a name on two lines): a card that
   renders taller than it pushes everything below down, which scroll anchoring leaves uncorrected
   after a jump (at 9rem, "show more" moved 28 px just as it was clicked); one that renders
   shorter is corrected. */
.board-card { content-visibility: auto; contain-intrinsic-size: auto 11rem; }
.board-card[draggable="true"] { cursor: grab; }
.board-card.stalled { border-left-color: #c25400; }
.board-card.pending { opacity: 0.6; border-style: dashed; }
.board-card-name { font-weight: 600; overflow-wrap: anywhere; }
.board-card-account { color: #4a5563; font-size: 0.9rem; overflow-wrap: anywhere; }
.board-card-facts { display: flex; justify-content: space-between; gap: 0.5rem; font-size: 0.85rem; flex-wrap: wrap; }
.board-card-amount { font-weight: 600; }
.board-card-markers { display: flex; gap: 0.25rem; flex-wrap: wrap; }
.board-card-refusal { color: #9b1c1c; font-size: 0.85rem; margin: 0.2rem 0 0; }
.board-card-move { justify-self: start; font-size: 0.85rem; padding: 0.35rem 0.6rem; min-height: 44px; }
.board-empty { color: #4a5563; font-size: 0.9rem; }
.board-dialog { max-width: min(36rem, 94vw); width: 100%; border: none; border-radius: 8px; padding: 1rem; }
.board-dialog::backdrop { background: rgba(0,0,0,.35); }
@media (max-width: 600px) {
  .board-column { flex-basis: 85vw; }
  .board-filters .field { min-width: 0; flex: 1 1 10rem; }
}
`;
