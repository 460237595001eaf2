// The pipeline board view (#/board).
import type { Route } from '../../router';
import { BoardPage } from './board-view';

export function BoardView(_props: { route: Route }) {
  return <BoardPage />;
}
