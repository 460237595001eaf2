// My list (私海): every account I hold, most urgent first, with the exact day its claim lapses and
// the days left (a logged visit, call, meeting or email moves that day at once; protected accounts
// have no clock). Claims in their warning window are marked.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ErrorBox } from '../../components/error-box';
import { formatDate } from '../../format';
import { useSession } from '../../session';
import { byUrgency, daysLeft, myClaims, type Claim } from '../../api/customers';
import { funnelStepName, tc } from '../../api/customers-i18n';
import { accountHref } from '../pool/owner-cell';
import { CUSTOMERS_CSS } from '../account/customers-style';

export function MyClaimsView() {
  const session = useSession();
  const [claims, setClaims] = useState<Claim[] | null>(null);
  const [usage, setUsage] = useState<{ held: number; cap: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    myClaims()
      .then((c) => {
        setClaims(byUrgency(c.claims));
        setUsage({ held: c.held, cap: c.cap });
        setError(null);
      })
      .catch((err: unknown) => setError(err));
  }, []);
  useEffect(reload, [reload]);

  return (
    <section aria-labelledby="claims-title">
      <style>{CUSTOMERS_CSS}</style>
      <div class="page-head">
        <h1 id="claims-title">{tc('claims.title')}</h1>
        <a class="button" href="#/pool">
          {tc('nav.pool')}
        </a>
      </div>
      <div class="card">
        <div class="filters">
          {claims ? (
            <p class="summary muted" id="claims-count">
              {usage
                ? tc('claims.countOfCap', { count: usage.held, cap: usage.cap })
                : tc('claims.count', { count: claims.length })}
            </p>
          ) : null}
          <button type="button" class="refresh" onClick={reload}>
            {tc('refresh')}
          </button>
        </div>
        <ErrorBox error={error} />
        {!claims && !error ? <p class="muted">{tc('loading')}</p> : null}
        {claims && claims.length === 0 ? (
          <div class="empty">
            <p>{tc('claims.none')}</p>
          </div>
        ) : null}
        {claims && claims.length > 0 ? (
          <table class="deals" id="claims-table">
            <caption class="visually-hidden">{tc('claims.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{tc('col.account')}</th>
                <th scope="col">{tc('col.step')}</th>
                <th scope="col">{tc('col.daysLeft')}</th>
                <th scope="col">{tc('col.lapsesOn')}</th>
                <th scope="col">{tc('col.lastAction')}</th>
              </tr>
            </thead>
            <tbody>
              {claims.map((c) => (
                <ClaimRow
                  key={c.accountId}
                  claim={c}
                  stepName={funnelStepName(session.process, c.funnelStep)}
                />
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </section>
  );
}

function ClaimRow({ claim: c, stepName }: { claim: Claim; stepName: string }) {
  const left = c.protected ? null : daysLeft(c.lapsesAt);
  const warning = !c.protected && c.warnsAt !== null && Date.parse(c.warnsAt) <= Date.now();
  return (
    <tr data-account-id={c.accountId} class={warning ? 'stalled' : ''}>
      <td data-label={tc('col.account')}>
        <a href={accountHref(c.accountId)} class="deal-link">
          {c.name}
        </a>
      </td>
      <td data-label={tc('col.step')}>{stepName}</td>
      <td data-label={tc('col.daysLeft')} class="num days-left">
        {c.protected ? (
          <span class="badge">{tc('claims.protected')}</span>
        ) : left === null ? (
          '—'
        ) : (
          <>
            {tc('claims.daysLeft', { count: left })}
            {warning ? (
              <>
                {' '}
                <span class="badge warn">{tc('claims.warning')}</span>
              </>
            ) : null}
          </>
        )}
      </td>
      <td data-label={tc('col.lapsesOn')} class="lapses-on">
        {c.protected ? '—' : formatDate(c.lapsesAt)}
      </td>
      <td data-label={tc('col.lastAction')}>{formatDate(c.lastSalesActionAt)}</td>
    </tr>
  );
}
