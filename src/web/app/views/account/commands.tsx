// What the caller can do with the account: claim it from the pool, release it, log a standard sales
// action (resets the claim's clock) or a business signal (moves a claimed account to 潜在客户).
import { useState } from 'preact/hooks';
import { ErrorBox } from '../../components/error-box';
import { Field, formText, useSubmit } from '../../components/form';
import { useSession } from '../../session';
import { accountCommand, claimAccount, releaseAccount, type Account } from '../../api/customers';
import { customerFunnel, SALES_ACTION_TYPES, signalName, tc } from '../../api/customers-i18n';

export function AccountCommands({ account: a, onDone }: { account: Account; onDone: () => void }) {
  const session = useSession();
  const mine = a.holder === 'you';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = (call: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    call()
      .then(() => (session.toast(done), onDone()))
      .catch((err: unknown) => setError(err))
      .finally(() => setBusy(false));
  };
  if (a.masked) return null;
  return (
    <section class="card" aria-labelledby="account-actions-title">
      <h2 id="account-actions-title">{tc('account.actions')}</h2>
      <div class="actions">
        {a.holder === 'pool' ? (
          <button
            type="button"
            class="primary"
            id="account-claim"
            disabled={busy}
            onClick={() => run(() => claimAccount(a.id), tc('pool.claimed', { name: a.name }))}
          >
            {tc('pool.claim')}
          </button>
        ) : null}
        {/* The holder releases; so may someone above them (the API checks the line). */}
        {mine || a.holder === 'line' ? (
          <button
            type="button"
            id="account-release"
            disabled={busy}
            onClick={() => run(() => releaseAccount(a.id), tc('account.released', { name: a.name }))}
          >
            {tc('account.release')}
          </button>
        ) : null}
      </div>
      <ErrorBox error={error} />
      {/* Sales actions and signals count on a held account: the holder's, or their manager's. */}
      {mine || a.holder === 'line' ? <SalesActionForm account={a} onDone={onDone} /> : null}
      {mine || a.holder === 'line' ? <SignalForm account={a} onDone={onDone} /> : null}
    </section>
  );
}

function SalesActionForm({ account: a, onDone }: { account: Account; onDone: () => void }) {
  const session = useSession();
  const types = customerFunnel(session.process).salesActionTypes ?? SALES_ACTION_TYPES;
  const submit = useSubmit(async (form) => {
    await accountCommand(a.id, 'sales-actions', {
      kind: formText(form, 'kind'),
      note: formText(form, 'note') || undefined,
    });
    form.reset();
    session.toast(tc('account.actionLogged'));
    onDone();
  });
  return (
    <form class="customer-form" id="sales-action-form" onSubmit={submit.onSubmit}>
      <h3>{tc('account.logAction')}</h3>
      <div class="form-grid">
        <Field label={tc('account.actionType')}>
          <select name="kind">
            {types.map((k) => (
              <option key={k} value={k}>
                {tc(`actionType.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={tc('account.note')}>
          <input name="note" maxLength={500} />
        </Field>
      </div>
      <ErrorBox error={submit.error} />
      <div class="actions">
        <button type="submit" disabled={submit.busy}>
          {tc('account.logActionSubmit')}
        </button>
      </div>
    </form>
  );
}

function SignalForm({ account: a, onDone }: { account: Account; onDone: () => void }) {
  const session = useSession();
  const signals = customerFunnel(session.process).businessSignals ?? [];
  const submit = useSubmit(async (form) => {
    await accountCommand(a.id, 'signals', {
      signal: formText(form, 'signal'),
      note: formText(form, 'note') || undefined,
    });
    form.reset();
    session.toast(tc('account.signalRecorded'));
    onDone();
  });
  if (signals.length === 0) return null;
  return (
    <form class="customer-form" id="signal-form" onSubmit={submit.onSubmit}>
      <h3>{tc('account.recordSignal')}</h3>
      <div class="form-grid">
        <Field label={tc('account.signal')}>
          <select name="signal">
            {signals.map((s) => (
              <option key={s.key} value={s.key}>
                {signalName(session.process, s.key)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={tc('account.evidence')}>
          <input name="note" maxLength={500} />
        </Field>
      </div>
      <ErrorBox error={submit.error} />
      <div class="actions">
        <button type="submit" disabled={submit.busy}>
          {tc('account.recordSignalSubmit')}
        </button>
      </div>
    </form>
  );
}
