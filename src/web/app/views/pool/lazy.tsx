// The customer pages (pool, my accounts, an account, assignment, import, handover) load as one
// chunk the first time one of them opens, so a first page load does not ship them (npm run bench:web).
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox } from '../../components/error-box';
import type { Route } from '../../router';
import { tc } from '../../api/customers-i18n';

type CustomerRoute = 'pool' | 'myClaims' | 'account' | 'assign' | 'import' | 'handover';
type Views = Record<CustomerRoute, ComponentType<{ route: Route }>>;

let loaded: Promise<Views> | null = null;
const load = (): Promise<Views> => (loaded ??= import('./customer-views').then((m) => m.CUSTOMER_VIEWS));

export function CustomersView({ route }: { route: Route }) {
  const [views, setViews] = useState<Views | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    load()
      .then((v) => live && setViews(v))
      .catch((err: unknown) => {
        loaded = null; // a failed chunk load is retried on the next visit
        if (live) setError(err);
      });
    return () => void (live = false);
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!views) return <p class="muted">{tc('loading')}</p>;
  const View = views[route.name as CustomerRoute];
  return View ? <View route={route} /> : null;
}
