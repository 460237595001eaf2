// An account's page: what it is, who holds it and until which day, claim/release, log a sales
// action or a business signal, its contacts, its deals, its journal and its owner history.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ErrorBox } from '../../components/error-box';
import { Fact } from '../../components/form';
import { formatAmount, formatDate } from '../../format';
import { dealHref, type Route } from '../../router';
import { milestoneName, useSession } from '../../session';
import {
  accountJournal,
  daysLeft,
  getAccount,
  ownerHistory,
  type Account,
  type AccountEvent,
  type OwnerChange,
} from '../../api/customers';
import { funnelStepName, tc } from '../../api/customers-i18n';
import { OwnerCell } from '../pool/owner-cell';
import { CUSTOMERS_CSS } from './customers-style';
import { AccountCommands } from './commands';
import { ContactsCard } from './contacts';
import { JournalCard, OwnerHistoryCard } from './history';

interface Loaded {
  account: Account;
  journal: AccountEvent[] | null;
  owners: OwnerChange[] | null;
}

export function AccountView({ route }: { route: Route }) {
  const id = route.name === 'account' ? route.id : '';
  const session = useSession();
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const [account, journal, owners] = await Promise.all([
        getAccount(id),
        // Journal and owner history are the account workflow's (read model): a never-claimed
        // account has none, and a masked account may not show them.
        accountJournal(id).catch(() => null),
        ownerHistory(id).catch(() => null),
      ]);
      setData({ account, journal, owners });
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [id]);
  useEffect(() => void reload(), [reload]);

  if (!data)
    return (
      <>
        <a class="back" href="#/pool">
          {tc('nav.pool')}
        </a>
        {error ? <ErrorBox error={error} /> : <p class="muted">{tc('loading')}</p>}
      </>
    );
  const a = data.account;
  const mine = a.holder === 'you';
  const left = a.protected ? null : daysLeft(a.lapsesAt);
  return (
    <article aria-labelledby="account-name" id="account-page" data-account-id={a.id}>
      <style>{CUSTOMERS_CSS}</style>
      <a class="back" href={mine ? '#/my-accounts' : '#/pool'}>
        {mine ? tc('nav.myAccounts') : tc('nav.pool')}
      </a>
      <div class="page-head">
        <h1 id="account-name">{a.name}</h1>
        <button type="button" class="refresh" onClick={() => void reload()}>
          {tc('refresh')}
        </button>
      </div>
      <ErrorBox error={error} />
      <div class="deal-grid">
        <div class="col">
          <section class="card" aria-labelledby="account-facts-title">
            <h2 id="account-facts-title">{tc('account.facts')}</h2>
            <dl class="facts" id="account-facts">
              <Fact term={tc('col.step')}>{funnelStepName(session.process, a.funnelStep)}</Fact>
              <Fact term={tc('col.owner')}>
                <span id="account-owner">
                  <OwnerCell account={a} />
                </span>
              </Fact>
              {a.holder === 'you' || a.holder === 'line' ? (
                <Fact term={tc('col.lapsesOn')}>
                  <span id="account-lapses">
                    {a.protected
                      ? tc('claims.protected')
                      : a.lapsesAt
                        ? `${formatDate(a.lapsesAt)} · ${tc('claims.daysLeft', { count: left ?? 0 })}`
                        : '—'}
                  </span>
                </Fact>
              ) : null}
              <Fact term={tc('field.creditCode')}>{a.creditCode ?? '—'}</Fact>
              <Fact term={tc('field.industry')}>{a.industry ?? '—'}</Fact>
              <Fact term={tc('field.region')}>{a.region ?? '—'}</Fact>
              <Fact term={tc('field.size')}>{a.size ?? '—'}</Fact>
              <Fact term={tc('field.source')}>{a.source ?? '—'}</Fact>
              <Fact term={tc('field.tag')}>{a.tags.length ? a.tags.join(', ') : '—'}</Fact>
              <Fact term={tc('col.lastAction')}>{formatDate(a.lastSalesActionAt)}</Fact>
            </dl>
            {a.notes ? <p class="comment">{a.notes}</p> : null}
          </section>
          <AccountCommands account={a} onDone={() => void reload()} />
          <ContactsCard
            accountId={a.id}
            contacts={a.contacts}
            mayAdd={!a.masked}
            onAdded={() => void reload()}
          />
          <section class="card" aria-labelledby="account-deals-title">
            <h2 id="account-deals-title">{tc('account.deals')}</h2>
            {a.otherDeals > 0 ? (
              <p class="muted small" id="account-other-deals">
                {tc('account.otherDeals', { count: a.otherDeals })}
              </p>
            ) : null}
            {a.deals.length > 0 ? (
              <ul class="plain" id="account-deals">
                {a.deals.map((d) => (
                  <li key={d.id}>
                    <a href={dealHref(d.id)} class="deal-link">
                      {d.name}
                    </a>{' '}
                    <span class="muted small">
                      {milestoneName(session.process, d.milestone)} · {formatAmount(d.amount, d.currency)}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">{tc('account.noDeals')}</p>
            )}
          </section>
        </div>
        <div class="col">
          <OwnerHistoryCard changes={data.owners} />
          <JournalCard events={data.journal} />
        </div>
      </div>
    </article>
  );
}
