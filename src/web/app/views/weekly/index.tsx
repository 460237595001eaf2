// The weekly report view (#/weekly, #/weekly/2026-W47).
import type { Route } from '../../router';
import { WeeklyPage } from './weekly-page';

export function WeeklyView({ route }: { route: Route }) {
  return <WeeklyPage week={route.name === 'weekly' ? route.week : null} />;
}
