// New deal: name, account, amount, currency (ISO 4217), expected close date, and for a manager or
// above an owner from their line. Created → the deal page. The account field offers my claimed
// accounts (GET /api/me/claims); picking one sends its accountId, so the deal joins that very account.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, command } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { Field, formText, useSubmit } from '../../components/form';
import { t } from '../../i18n';
import { dealHref, navigate, type Route } from '../../router';
import { useSession } from '../../session';

const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD', 'JPY'];

export function NewDealView(_props: { route: Route }) {
  const session = useSession();
  const { me } = session;
  const owners = [...session.users.values()].filter((u) => u.active && u.id !== me.id);
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => nameInput.current?.focus(), []);
  const [claims, setClaims] = useState<{ accountId: string; name: string }[]>([]);
  useEffect(() => {
    api<{ claims: { accountId: string; name: string }[] }>('GET', '/api/me/claims').then(
      ({ data }) => setClaims(data.claims),
      () => undefined, // no list to offer: the name is typed as before
    );
  }, []);

  const submit = useSubmit(async (form) => {
    const owner = formText(form, 'ownerId');
    const account = formText(form, 'account');
    // One of my claims, for a deal of mine: by id. Anything else by name (linked by its normalised name).
    const claimed = !owner || owner === me.id ? claims.find((c) => c.name === account) : undefined;
    const body: Record<string, unknown> = {
      name: formText(form, 'name'),
      ...(claimed ? { accountId: claimed.accountId } : { account }),
      amount: Number(new FormData(form).get('amount')),
      currency: formText(form, 'currency').toUpperCase(),
    };
    const close = formText(form, 'expectedCloseDate');
    if (close) body.expectedCloseDate = close;
    if (owner && owner !== me.id) body.ownerId = owner;
    const { data } = await command<{ id: string; name: string }>(
      'new-deal',
      'POST',
      '/api/opportunities',
      body,
    );
    session.toast(t('newDeal.created', { name: data.name }));
    navigate(dealHref(data.id));
  });

  return (
    <>
      <div class="page-head">
        <h1>{t('newDeal.title')}</h1>
      </div>
      <form class="card form-grid" id="new-deal-form" onSubmit={submit.onSubmit}>
        <Field label={t('newDeal.name')}>
          <input ref={nameInput} name="name" required maxLength={200} autocomplete="off" />
        </Field>
        <Field label={t('newDeal.account')}>
          <input name="account" required maxLength={200} list="my-accounts" autocomplete="off" />
        </Field>
        <datalist id="my-accounts">
          {claims.map((c) => (
            <option key={c.accountId} value={c.name} />
          ))}
        </datalist>
        <Field label={t('newDeal.amount')}>
          <input name="amount" type="number" min={0} step="any" required inputMode="decimal" />
        </Field>
        <Field label={t('newDeal.currency')} hint={t('newDeal.currencyHint')}>
          <input
            name="currency"
            defaultValue="CNY"
            pattern="[A-Z]{3}"
            maxLength={3}
            required
            list="currencies"
          />
        </Field>
        <datalist id="currencies">
          {CURRENCIES.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <Field label={t('newDeal.expectedClose')}>
          <input name="expectedCloseDate" type="date" />
        </Field>
        {me.role !== 'rep' && owners.length > 0 ? (
          <Field label={t('newDeal.owner')}>
            <select name="ownerId" defaultValue={me.id}>
              <option value={me.id}>{t('user.me', { name: me.name })}</option>
              {owners.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} · {t(`role.${u.role}`)}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <div class="span">
          <ErrorBox error={submit.error} />
        </div>
        <div class="actions span">
          <button type="submit" class="primary" disabled={submit.busy}>
            {t('newDeal.submit')}
          </button>
          <a class="button" href="#/">
            {t('common.cancel')}
          </a>
        </div>
      </form>
    </>
  );
}
