// The manager dashboard view (#/dashboard). ECharts loads in its own chunk when a chart first draws.
import type { Route } from '../../router';
import { DashboardPage } from './dashboard-view';

export function DashboardView(_props: { route: Route }) {
  return <DashboardPage />;
}
