// The public pool (公海): search by name (and credit code), filter by industry, region and tag, page
// on with the API's cursor, and claim an account (报备) — the cap, daily limit and cool-down refusals
// come back typed and show in the row's own error box.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/form';
import { useSession } from '../../session';
import { claimAccount, searchPool, type AccountSummary, type PoolFilters } from '../../api/customers';
import { funnelStepName, tc } from '../../api/customers-i18n';
import { accountHref, OwnerCell } from './owner-cell';
import { CUSTOMERS_CSS } from '../account/customers-style';

/** Kept across visits within this page load, like the deals list's filters. */
const kept: PoolFilters = { q: '', industry: '', region: '', tag: '' };

export function PoolView() {
  const session = useSession();
  const [filters, setFilters] = useState<PoolFilters>({ ...kept });
  const [rows, setRows] = useState<AccountSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [claimed, setClaimed] = useState<Set<string>>(new Set());
  const seq = useRef(0);

  const load = useCallback(async (f: PoolFilters, cursor: string | null) => {
    const mine = ++seq.current;
    try {
      const page = await searchPool({ ...f, cursor });
      if (mine !== seq.current) return;
      setRows((old) => (cursor && old ? [...old, ...page.accounts] : page.accounts));
      setNext(page.nextCursor);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(err);
    }
  }, []);

  useEffect(() => {
    void load(filters, null);
    return () => void seq.current++;
  }, [load, filters]);

  const onSearch = (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const f: PoolFilters = {};
    for (const k of ['q', 'industry', 'region', 'tag'] as const) f[k] = String(data.get(k) ?? '').trim();
    Object.assign(kept, f);
    setRows(null);
    setFilters(f);
  };

  return (
    <section aria-labelledby="pool-title">
      <style>{CUSTOMERS_CSS}</style>
      <div class="page-head">
        <h1 id="pool-title">{tc('pool.title')}</h1>
        <a class="button" href="#/accounts/import" id="pool-import-link">
          {tc('nav.import')}
        </a>
      </div>
      <div class="card">
        <p class="muted small">{tc('pool.intro')}</p>
        <form class="filters" id="pool-search" role="search" onSubmit={onSearch}>
          <Field label={tc('pool.q')}>
            <input type="search" name="q" id="pool-q" defaultValue={filters.q} />
          </Field>
          <Field label={tc('field.industry')}>
            <input name="industry" id="pool-industry" defaultValue={filters.industry} />
          </Field>
          <Field label={tc('field.region')}>
            <input name="region" id="pool-region" defaultValue={filters.region} />
          </Field>
          <Field label={tc('field.tag')}>
            <input name="tag" id="pool-tag" defaultValue={filters.tag} />
          </Field>
          <button type="submit" class="primary" id="pool-search-button">
            {tc('pool.search')}
          </button>
        </form>
        <ErrorBox error={error} />
        <div class="table-host">
          {!rows && !error ? <p class="muted">{tc('loading')}</p> : null}
          {rows && rows.length === 0 ? <p class="empty">{tc('pool.none')}</p> : null}
          {rows && rows.length > 0 ? (
            <table class="deals" id="pool-table">
              <caption class="visually-hidden">{tc('pool.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{tc('col.account')}</th>
                  <th scope="col">{tc('field.industry')}</th>
                  <th scope="col">{tc('field.region')}</th>
                  <th scope="col">{tc('col.step')}</th>
                  <th scope="col">{tc('col.owner')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{tc('col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <PoolRow
                    key={a.id}
                    account={a}
                    claimedByMe={claimed.has(a.id)}
                    stepName={funnelStepName(session.process, a.funnelStep)}
                    onClaimed={() => {
                      setClaimed((s) => new Set(s).add(a.id));
                      session.toast(tc('pool.claimed', { name: a.name }));
                    }}
                  />
                ))}
              </tbody>
            </table>
          ) : null}
          {next ? (
            <div class="actions">
              <button type="button" id="pool-more" onClick={() => void load(filters, next)}>
                {tc('loadMore')}
              </button>
            </div>
          ) : null}
        </div>
      </div>
    </section>
  );
}

function PoolRow({
  account: a,
  claimedByMe,
  stepName,
  onClaimed,
}: {
  account: AccountSummary;
  claimedByMe: boolean;
  stepName: string;
  onClaimed: () => void;
}) {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const shown = claimedByMe ? { ...a, holder: 'you' as const, ownerId: session.me.id } : a;
  const claim = () => {
    setBusy(true);
    setError(null);
    claimAccount(a.id)
      .then(onClaimed)
      .catch((err: unknown) => setError(err))
      .finally(() => setBusy(false));
  };
  return (
    <tr data-account-id={a.id}>
      <td data-label={tc('col.account')}>
        <a href={accountHref(a.id)} class="deal-link">
          {a.name}
        </a>
        {a.tags.length > 0 ? (
          <div class="badges">
            {a.tags.map((tag) => (
              <span key={tag} class="badge">
                {tag}
              </span>
            ))}
          </div>
        ) : null}
        <ErrorBox error={error} />
      </td>
      <td data-label={tc('field.industry')}>{a.industry ?? '—'}</td>
      <td data-label={tc('field.region')}>{a.region ?? '—'}</td>
      <td data-label={tc('col.step')}>{stepName}</td>
      <td data-label={tc('col.owner')}>
        <OwnerCell account={shown} />
      </td>
      <td data-label={tc('col.actions')}>
        {shown.holder === 'pool' ? (
          <button
            type="button"
            class="primary claim"
            disabled={busy}
            onClick={claim}
            aria-label={tc('pool.claimNamed', { name: a.name })}
          >
            {tc('pool.claim')}
          </button>
        ) : null}
      </td>
    </tr>
  );
}
