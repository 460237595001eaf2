// Assignment for managers: pick accounts from the pool and assign them to a rep of my line, or move
// a rep's claims to another rep. Each account is its own command (its own refusal: cap, cool-down),
// reported per account.
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, errorCode, errorHint } from '../../components/error-box';
import { Field } from '../../components/form';
import { useSession, type Session } from '../../session';
import type { User } from '../../types';
import { accountsOf, assignAccount, moveClaim, searchPool, type AccountSummary } from '../../api/customers';
import { tc } from '../../api/customers-i18n';
import { accountHref } from '../pool/owner-cell';
import { CUSTOMERS_CSS } from '../account/customers-style';

/** The reps under me (through any number of managers); an admin sees every rep. */
export function repsOfMyLine(session: Session): User[] {
  const inLine = (id: string): boolean => {
    if (session.me.role === 'admin') return true;
    const seen = new Set<string>();
    for (
      let m = session.users.get(id)?.managerId ?? null;
      m && !seen.has(m);
      m = session.users.get(m)?.managerId ?? null
    ) {
      if (m === session.me.id) return true;
      seen.add(m);
    }
    return false;
  };
  return [...session.users.values()].filter((u) => u.role === 'rep' && u.active !== false && inLine(u.id));
}

interface Outcome {
  id: string;
  name: string;
  ok: boolean;
  error?: unknown;
}

export function AssignView() {
  const session = useSession();
  const reps = repsOfMyLine(session);
  if (session.me.role === 'rep')
    return (
      <section>
        <h1>{tc('assign.title')}</h1>
        <p class="notice">{tc('assign.managersOnly')}</p>
      </section>
    );
  return (
    <section aria-labelledby="assign-title">
      <style>{CUSTOMERS_CSS}</style>
      <h1 id="assign-title">{tc('assign.title')}</h1>
      <AssignFromPool reps={reps} />
      <MoveClaims reps={reps} />
    </section>
  );
}

function RepSelect({ reps, id, name, label }: { reps: User[]; id: string; name: string; label: string }) {
  return (
    <Field label={label}>
      <select id={id} name={name} required>
        <option value="">—</option>
        {reps.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

function Outcomes({ outcomes, id }: { outcomes: Outcome[]; id: string }) {
  const session = useSession();
  if (outcomes.length === 0) return null;
  return (
    <ul class="plain" id={id} aria-live="polite">
      {outcomes.map((o) => (
        <li key={o.id} data-account-id={o.id} data-ok={String(o.ok)}>
          <a href={accountHref(o.id)}>{o.name}</a>:{' '}
          {o.ok ? (
            tc('assign.done')
          ) : (
            <>
              <code>{errorCode(o.error)}</code> {errorHint(o.error, session.process) ?? ''}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

async function runEach(
  picked: AccountSummary[],
  call: (a: AccountSummary) => Promise<unknown>,
  onProgress: (done: Outcome[]) => void,
): Promise<Outcome[]> {
  const done: Outcome[] = [];
  for (const a of picked) {
    try {
      await call(a);
      done.push({ id: a.id, name: a.name, ok: true });
    } catch (error) {
      done.push({ id: a.id, name: a.name, ok: false, error });
    }
    onProgress([...done]);
  }
  return done;
}

function AssignFromPool({ reps }: { reps: User[] }) {
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<AccountSummary[] | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    searchPool({ q })
      .then((p) => live && (setRows(p.accounts.filter((a) => a.holder === 'pool')), setError(null)))
      .catch((err: unknown) => live && setError(err));
    return () => void (live = false);
  }, [q]);
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const toUserId = String(new FormData(event.currentTarget as HTMLFormElement).get('toUserId') ?? '');
    const chosen = (rows ?? []).filter((a) => picked.has(a.id));
    if (!toUserId || chosen.length === 0) return;
    setBusy(true);
    setOutcomes([]);
    void runEach(chosen, (a) => assignAccount(a.id, toUserId), setOutcomes).then((done) => {
      setBusy(false);
      const ok = new Set(done.filter((o) => o.ok).map((o) => o.id));
      setRows((r) => (r ?? []).filter((a) => !ok.has(a.id)));
      setPicked(new Set());
    });
  };
  return (
    <div class="card">
      <h2>{tc('assign.fromPool')}</h2>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim());
        }}
      >
        <Field label={tc('pool.q')}>
          <input type="search" name="q" id="assign-q" />
        </Field>
        <button type="submit">{tc('pool.search')}</button>
      </form>
      <ErrorBox error={error} />
      <form id="assign-form" onSubmit={onSubmit}>
        <fieldset class="plain-fieldset">
          <legend>{tc('assign.pick')}</legend>
          {rows && rows.length === 0 ? <p class="muted">{tc('pool.none')}</p> : null}
          <ul class="plain" id="assign-candidates">
            {(rows ?? []).map((a) => (
              <li key={a.id}>
                <label class="check">
                  <input
                    type="checkbox"
                    value={a.id}
                    checked={picked.has(a.id)}
                    onChange={(e) => {
                      const on = (e.currentTarget as HTMLInputElement).checked;
                      setPicked((s) => {
                        const n = new Set(s);
                        if (on) n.add(a.id);
                        else n.delete(a.id);
                        return n;
                      });
                    }}
                  />
                  <span>
                    {a.name}
                    <span class="muted small"> {[a.industry, a.region].filter(Boolean).join(' · ')}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <RepSelect reps={reps} id="assign-to" name="toUserId" label={tc('assign.toRep')} />
        <div class="actions">
          <button type="submit" class="primary" id="assign-submit" disabled={busy || picked.size === 0}>
            {tc('assign.submit', { count: picked.size })}
          </button>
        </div>
      </form>
      <Outcomes outcomes={outcomes} id="assign-outcomes" />
    </div>
  );
}

function MoveClaims({ reps }: { reps: User[] }) {
  const [from, setFrom] = useState('');
  const [rows, setRows] = useState<AccountSummary[] | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = (ownerId: string) => {
    setRows(null);
    if (!ownerId) return;
    accountsOf(ownerId)
      .then((a) => (setRows(a), setError(null)))
      .catch((err: unknown) => setError(err));
  };
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const toUserId = String(data.get('toUserId') ?? '');
    const note = String(data.get('note') ?? '').trim();
    const chosen = (rows ?? []).filter((a) => picked.has(a.id));
    if (!toUserId || chosen.length === 0) return;
    setBusy(true);
    setOutcomes([]);
    void runEach(chosen, (a) => moveClaim(a.id, toUserId, note || undefined), setOutcomes).then(() => {
      setBusy(false);
      setPicked(new Set());
      load(from);
    });
  };
  return (
    <div class="card">
      <h2>{tc('assign.move')}</h2>
      <form id="move-form" onSubmit={onSubmit}>
        <Field label={tc('assign.fromRep')}>
          <select
            id="move-from"
            value={from}
            onChange={(e) => {
              const v = (e.currentTarget as HTMLSelectElement).value;
              setFrom(v);
              setPicked(new Set());
              load(v);
            }}
          >
            <option value="">—</option>
            {reps.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </Field>
        <ErrorBox error={error} />
        {rows ? (
          <fieldset class="plain-fieldset">
            <legend>{tc('assign.pickClaims')}</legend>
            {rows.length === 0 ? <p class="muted">{tc('claims.none')}</p> : null}
            <ul class="plain" id="move-candidates">
              {rows.map((a) => (
                <li key={a.id}>
                  <label class="check">
                    <input
                      type="checkbox"
                      value={a.id}
                      checked={picked.has(a.id)}
                      onChange={(e) => {
                        const on = (e.currentTarget as HTMLInputElement).checked;
                        setPicked((s) => {
                          const n = new Set(s);
                          if (on) n.add(a.id);
                          else n.delete(a.id);
                          return n;
                        });
                      }}
                    />
                    <span>{a.name}</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        ) : null}
        <RepSelect
          reps={reps.filter((u) => u.id !== from)}
          id="move-to"
          name="toUserId"
          label={tc('assign.toRep')}
        />
        <Field label={tc('account.note')}>
          <input name="note" maxLength={500} />
        </Field>
        <div class="actions">
          <button type="submit" class="primary" id="move-submit" disabled={busy || picked.size === 0}>
            {tc('assign.moveSubmit', { count: picked.size })}
          </button>
        </div>
      </form>
      <Outcomes outcomes={outcomes} id="move-outcomes" />
    </div>
  );
}
