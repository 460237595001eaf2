// My deals: the list with filters (milestone, status, stalled), totals and weighted totals per
// currency, "load more", and polling (fast for 30 s after a command, while the read model catches up).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, millisSinceLastCommand } from '../../api';
import { DealMarkers, StatusBadge } from '../../components/badges';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/form';
import { daysSince, formatAmount } from '../../format';
import { t } from '../../i18n';
import { dealHref, type Route } from '../../router';
import { label, userName, useSession } from '../../session';
import type { DealList, DealStatus } from '../../types';

const PAGE_SIZE = 50;
const FAST_POLL_MS = 2000;
const SLOW_POLL_MS = 20000;
const FAST_POLL_WINDOW_MS = 30000;
const STATUSES: DealStatus[] = ['open', 'on_hold', 'won', 'lost'];

/** Kept across visits to the list within this page load. */
const filters = { milestone: '', status: '', stalled: '' };

export function DealsView(_props: { route: Route }) {
  const session = useSession();
  const { process, me } = session;
  const [data, setData] = useState<DealList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [limit, setLimit] = useState(PAGE_SIZE);
  const [, setFilterTick] = useState(0);
  const timer = useRef(0);
  const seq = useRef(0);

  const reload = useCallback(async () => {
    clearTimeout(timer.current);
    const mine = ++seq.current;
    const query = new URLSearchParams({ limit: String(limit) });
    for (const [k, v] of Object.entries(filters)) if (v) query.set(k, v);
    try {
      const res = await api<DealList>('GET', `/api/opportunities?${query.toString()}`);
      if (mine !== seq.current) return;
      setData(res.data);
      setError(null);
    } catch (err) {
      if (mine !== seq.current) return;
      setError(err);
    }
    const fast = millisSinceLastCommand() < FAST_POLL_WINDOW_MS;
    timer.current = window.setTimeout(
      () => {
        // A hidden tab polls slowly; it reloads at once when shown again (the shell's visibility
        // listener refreshes the approval badge the same way).
        if (document.visibilityState === 'visible') void reload();
        else timer.current = window.setTimeout(() => void reload(), SLOW_POLL_MS);
      },
      fast ? FAST_POLL_MS : SLOW_POLL_MS,
    );
  }, [limit]);

  useEffect(() => {
    void reload();
    return () => {
      seq.current++;
      clearTimeout(timer.current);
    };
  }, [reload]);

  const onFilter = (event: Event) => {
    const el = event.currentTarget as HTMLSelectElement;
    filters[el.name as keyof typeof filters] = el.value;
    setFilterTick((n) => n + 1);
    void reload();
  };

  const rows = data?.opportunities ?? [];
  const byCurrency = new Map<string, { amount: number; weighted: number }>();
  for (const r of rows) {
    const total = byCurrency.get(r.currency) ?? { amount: 0, weighted: 0 };
    total.amount += r.amount;
    if (r.status === 'open' || r.status === 'on_hold') total.weighted += (r.amount * r.probability) / 100;
    byCurrency.set(r.currency, total);
  }

  return (
    <>
      <div class="page-head">
        <h1>{t('deals.title')}</h1>
        <a class="button primary" href="#/new">
          {t('nav.new')}
        </a>
      </div>
      <div class="card">
        <form class="filters" id="deal-filters" onSubmit={(e) => e.preventDefault()}>
          <Field label={t('deals.milestone')}>
            <select name="milestone" value={filters.milestone} onChange={onFilter}>
              <option value="">{t('common.all')}</option>
              {process.milestones.map((m) => (
                <option key={m.key} value={m.key}>
                  {label(m.name)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('deals.status')}>
            <select name="status" value={filters.status} onChange={onFilter}>
              <option value="">{t('common.all')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`dealStatus.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('deals.stalled')}>
            <select name="stalled" value={filters.stalled} onChange={onFilter}>
              <option value="">{t('common.all')}</option>
              <option value="true">{t('deals.stalledOnly')}</option>
              <option value="false">{t('deals.notStalled')}</option>
            </select>
          </Field>
          <button type="button" class="refresh" onClick={() => void reload()}>
            {t('common.refresh')}
          </button>
        </form>
        <ErrorBox error={error} />
        {data ? (
          <p class="summary muted">
            {t('deals.count', { count: data.total })}
            {rows.length < data.total ? ` ${t('deals.showing', { count: rows.length })}` : ''}
            {[...byCurrency].map(([cur, total]) => (
              <span key={cur} class="total">
                {' — '}
                {t('deals.total', {
                  amount: formatAmount(total.amount, cur),
                  weighted: formatAmount(total.weighted, cur),
                })}
              </span>
            ))}
          </p>
        ) : null}
        <div class="table-host">
          {!data ? (
            <p class="muted">{t('common.loading')}</p>
          ) : rows.length === 0 ? (
            <div class="empty">
              <p>{t('deals.none')}</p>
              <a class="button" href="#/new">
                {t('nav.new')}
              </a>
            </div>
          ) : (
            <table class="deals" id="deals-table">
              <caption class="visually-hidden">{t('deals.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('deals.col.deal')}</th>
                  <th scope="col">{t('deals.col.milestone')}</th>
                  <th scope="col">{t('deals.col.winPct')}</th>
                  <th scope="col">{t('deals.col.amount')}</th>
                  <th scope="col">{t('deals.col.daysInStage')}</th>
                  <th scope="col">{t('deals.col.status')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  // The step number is the milestone's place in the process shown (the latest
                  // version), found by key: a deal on an older version may sit elsewhere by position.
                  const step = process.milestones.findIndex((x) => x.key === r.milestone);
                  const m = step >= 0 ? process.milestones[step] : undefined;
                  return (
                    <tr key={r.id} data-id={r.id} class={r.stalled ? 'stalled' : ''}>
                      <td data-label={t('deals.col.deal')}>
                        <a href={dealHref(r.id)} class="deal-link">
                          {r.name}
                        </a>
                        <div class="muted small">
                          {r.account}
                          {r.ownerId !== me.id ? ` · ${userName(session, r.ownerId)}` : ''}
                        </div>
                      </td>
                      <td data-label={t('deals.col.milestone')}>
                        {m ? (
                          <>
                            <span class="step-no">
                              {step + 1}/{process.milestones.length}
                            </span>{' '}
                            {label(m.name)}
                          </>
                        ) : (
                          r.milestone
                        )}
                      </td>
                      <td data-label={t('deals.col.winPct')} class="num">
                        {r.probability}%
                      </td>
                      <td data-label={t('deals.col.amount')} class="num">
                        {formatAmount(r.amount, r.currency)}
                      </td>
                      <td data-label={t('deals.col.daysInStage')} class="num">
                        {daysSince(r.stageEnteredAt)}
                      </td>
                      <td data-label={t('deals.col.status')}>
                        <div class="badges">
                          <StatusBadge status={r.status} />
                          <DealMarkers deal={r} />
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {data && rows.length < data.total ? (
            <div class="actions">
              <button type="button" onClick={() => setLimit((n) => n + PAGE_SIZE)}>
                {t('deals.loadMore')}
              </button>
            </div>
          ) : null}
        </div>
      </div>
    </>
  );
}
