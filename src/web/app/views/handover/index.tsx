// 离职继承 for admins: a leaving rep's whole book (claims, open deals, pending approvals where they
// are the approver) goes to a successor in one step. A dry run shows what would move; the real run
// shows its progress until every account and deal has its new owner.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox } from '../../components/error-box';
import { Field, formText, useSubmit } from '../../components/form';
import { useSession } from '../../session';
import { handover, handoverProgress, type HandoverProgress, type HandoverReport } from '../../api/customers';
import { tc } from '../../api/customers-i18n';
import { CUSTOMERS_CSS } from '../account/customers-style';

const POLL_MS = 1000;

export function HandoverView() {
  const session = useSession();
  const [preview, setPreview] = useState<{ body: Body; report: HandoverReport } | null>(null);
  const [running, setRunning] = useState<{ id: string | null; progress: HandoverProgress | null } | null>(
    null,
  );
  const [finished, setFinished] = useState<HandoverProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef(0);
  useEffect(() => () => clearTimeout(timer.current), []);

  const users = [...session.users.values()].sort((a, b) => a.name.localeCompare(b.name));
  const dry = useSubmit(async (form) => {
    const body: Body = {
      fromUserId: formText(form, 'fromUserId'),
      toUserId: formText(form, 'toUserId'),
      reason: formText(form, 'reason'),
    };
    setFinished(null);
    const { data } = await handover({ ...body, dryRun: true });
    setPreview({ body, report: data });
  });

  const poll = (id: string) => {
    handoverProgress(id)
      .then((p) => {
        setRunning({ id, progress: p });
        if (p.status === 'running') {
          timer.current = window.setTimeout(() => poll(id), POLL_MS);
        } else {
          setRunning(null);
          setFinished(p);
        }
      })
      .catch((err: unknown) => (setRunning(null), setError(err)));
  };

  const go = () => {
    if (!preview) return;
    setError(null);
    setRunning({ id: null, progress: null });
    handover({ ...preview.body, dryRun: false })
      .then(({ data }) => {
        setPreview(null);
        if (data.handoverId && data.status !== 'done') {
          poll(data.handoverId);
        } else {
          // Ran synchronously: everything the preview listed moved.
          const total = countsOf(preview.report);
          setRunning(null);
          setFinished({ status: 'done', done: total.items, total: total.items });
        }
      })
      .catch((err: unknown) => (setRunning(null), setError(err)));
  };

  if (session.me.role !== 'admin')
    return (
      <section>
        <h1>{tc('handover.title')}</h1>
        <p class="notice">{tc('handover.adminsOnly')}</p>
      </section>
    );
  const p = running?.progress;
  return (
    <section aria-labelledby="handover-title">
      <style>{CUSTOMERS_CSS}</style>
      <h1 id="handover-title">{tc('handover.title')}</h1>
      <div class="card">
        <p class="muted small">{tc('handover.intro')}</p>
        <form id="handover-form" onSubmit={dry.onSubmit}>
          <div class="form-grid">
            <Field label={tc('handover.from')}>
              <select name="fromUserId" id="handover-from" required>
                <option value="">—</option>
                {users.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={tc('handover.to')}>
              <select name="toUserId" id="handover-to" required>
                <option value="">—</option>
                {users
                  .filter((u) => u.active !== false)
                  .map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
              </select>
            </Field>
            <Field label={tc('handover.reason')}>
              <input name="reason" id="handover-reason" required maxLength={500} />
            </Field>
          </div>
          <ErrorBox error={dry.error} />
          <div class="actions">
            <button type="submit" id="handover-preview" disabled={dry.busy || running !== null}>
              {tc('handover.preview')}
            </button>
          </div>
        </form>
      </div>
      {preview ? (
        <div class="card" id="handover-dry-run">
          <h2>{tc('handover.previewTitle')}</h2>
          <p id="handover-counts">{tc('handover.counts', countsOf(preview.report))}</p>
          <ul class="plain" id="handover-items">
            {(preview.report.claims ?? []).map((a) => (
              <li key={a.accountId} data-account-id={a.accountId}>
                {a.name}
              </li>
            ))}
            {(preview.report.deals ?? []).map((d) => (
              <li key={d.id} data-deal-id={d.id}>
                {d.name}
              </li>
            ))}
          </ul>
          <div class="actions">
            <button type="button" class="primary" id="handover-run" disabled={running !== null} onClick={go}>
              {tc('handover.run')}
            </button>
          </div>
        </div>
      ) : null}
      {running ? (
        <div class="card" id="handover-progress">
          <label>
            {p ? tc('handover.progress', { done: p.done, total: p.total }) : tc('handover.running')}
            {p ? <progress max={p.total || 1} value={p.done} /> : <progress />}
          </label>
        </div>
      ) : null}
      <ErrorBox error={error} />
      {finished ? (
        <div class="card notice" id="handover-done" role="status">
          {tc(finished.status === 'done' && !finished.failed ? 'handover.doneProgress' : 'handover.failed', {
            done: finished.done,
            total: finished.total,
          })}
        </div>
      ) : null}
    </section>
  );
}

function countsOf(r: HandoverReport) {
  const claims = r.claims?.length ?? 0;
  const deals = r.deals?.length ?? 0;
  const approvals = r.approvals?.length ?? 0;
  return { claims, deals, approvals, items: claims + deals + approvals };
}

interface Body {
  fromUserId: string;
  toUserId: string;
  reason: string;
}
