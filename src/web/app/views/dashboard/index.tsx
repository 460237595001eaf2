// Placeholder created by the shell (H2); this view belongs to H4 (see /tmp/psm-coord.md).
import { t } from '../../i18n';
import type { Route } from '../../router';

export function DashboardView(_props: { route: Route }) {
  return (
    <section class="card">
      <h1>{t('nav.dashboard')}</h1>
      <p class="muted">{t('common.comingSoon')}</p>
    </section>
  );
}
