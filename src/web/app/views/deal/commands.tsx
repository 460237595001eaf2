// The deal page's command forms: log an activity, request an approval, and the outcome
// (hold / resume / mark lost / reopen).
import { useState } from 'preact/hooks';
import { command, oppPath } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { Field, formText, useSubmit } from '../../components/form';
import { localNowInput } from '../../format';
import { t } from '../../i18n';
import { label } from '../../session';
import type { Deal, DealMilestone } from '../../types';
import type { Done } from './done';

const ACTIVITY_KINDS = ['visit', 'call', 'meeting', 'email'] as const;
const APPROVAL_KINDS = ['milestone_gate', 'skip_milestone', 'discount'] as const;

export function ActivityCard({ deal, done }: { deal: Deal; done: Done }) {
  const id = 'activity-form';
  const submit = useSubmit(async (form) => {
    const raw = formText(form, 'occurredAt');
    const when = new Date(raw);
    await command(id, 'POST', oppPath(deal.id, '/activities'), {
      kind: formText(form, 'kind'),
      occurredAt: Number.isNaN(when.getTime()) ? raw : when.toISOString(),
      note: formText(form, 'note'),
    });
    form.reset();
    await done(t('deal.activityLoggedToast'));
  });
  return (
    <section class="card" aria-labelledby="activity-title">
      <h2 id="activity-title">{t('deal.logActivity')}</h2>
      <form class="form-grid" id={id} onSubmit={submit.onSubmit}>
        <Field label={t('deal.kind')}>
          <select name="kind" defaultValue="visit">
            {ACTIVITY_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`activityKind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('deal.when')}>
          <input name="occurredAt" type="datetime-local" defaultValue={localNowInput()} required />
        </Field>
        <div class="span">
          <Field label={t('deal.note')}>
            <textarea name="note" rows={3} required maxLength={5000} />
          </Field>
        </div>
        <div class="span">
          <ErrorBox error={submit.error} />
        </div>
        <div class="actions span">
          <button type="submit" class="primary" disabled={submit.busy}>
            {t('deal.logActivitySubmit')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function ApprovalRequestCard({
  deal,
  next,
  done,
}: {
  deal: Deal;
  next: DealMilestone | null;
  done: Done;
}) {
  const [kind, setKind] = useState<string>('milestone_gate');
  const id = 'approval-request-form';
  const submit = useSubmit(async (form) => {
    const chosen = formText(form, 'kind');
    const body: Record<string, unknown> = { kind: chosen, reason: formText(form, 'reason') };
    if (chosen === 'discount') body.amount = Number(new FormData(form).get('amount'));
    else body.milestone = formText(form, 'milestone');
    await command(id, 'POST', oppPath(deal.id, '/approvals'), body);
    form.reset();
    setKind('milestone_gate');
    await done(t('deal.approvalRequestedToast'));
  });
  if (deal.status !== 'open') return null;
  const unreached = deal.milestones.filter((m) => m.index > deal.reachedIndex);
  const discount = kind === 'discount';
  return (
    <section class="card" aria-labelledby="approval-request-title">
      <h2 id="approval-request-title">{t('deal.requestAnApproval')}</h2>
      <p class="muted small">{t('deal.requestAnApprovalHint')}</p>
      <form class="form-grid" id={id} onSubmit={submit.onSubmit}>
        <Field label={t('deal.kind')}>
          <select
            name="kind"
            defaultValue="milestone_gate"
            onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}
          >
            {APPROVAL_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`approvalKind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('deal.milestone')} hidden={discount}>
          <select name="milestone" defaultValue={next?.key ?? ''} disabled={discount}>
            {unreached.map((m) => (
              <option key={m.key} value={m.key}>
                {label(m.name)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('deal.discountAmount')} hidden={!discount}>
          <input name="amount" type="number" min={0} step="any" disabled={!discount} />
        </Field>
        <div class="span">
          <Field label={t('deal.reason')}>
            <textarea name="reason" rows={2} required maxLength={2000} />
          </Field>
        </div>
        <div class="span">
          <ErrorBox error={submit.error} />
        </div>
        <div class="actions span">
          <button type="submit" disabled={submit.busy}>
            {t('deal.requestApprovalSubmit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function ReasonForm({
  id,
  path,
  button,
  cls,
  toast,
  deal,
  done,
}: {
  id: string;
  path: string;
  button: string;
  cls: string;
  toast: string;
  deal: Deal;
  done: Done;
}) {
  const submit = useSubmit(async (form) => {
    await command(id, 'POST', oppPath(deal.id, `/${path}`), { reason: formText(form, 'reason') });
    await done(toast);
  });
  return (
    <form class="inline-form" id={id} onSubmit={submit.onSubmit}>
      <Field label={t('deal.reason')}>
        <input name="reason" required maxLength={2000} autocomplete="off" />
      </Field>
      <button type="submit" class={cls} disabled={submit.busy}>
        {button}
      </button>
      <ErrorBox error={submit.error} />
    </form>
  );
}

function ResumeForm({ deal, done }: { deal: Deal; done: Done }) {
  const submit = useSubmit(async () => {
    await command('resume-form', 'POST', oppPath(deal.id, '/resume'), {});
    await done(t('deal.resumedToast'));
  });
  return (
    <form class="inline-form" id="resume-form" onSubmit={submit.onSubmit}>
      <button type="submit" class="primary" disabled={submit.busy}>
        {t('deal.resume')}
      </button>
      <ErrorBox error={submit.error} />
    </form>
  );
}

export function OutcomeCard({ deal, done }: { deal: Deal; done: Done }) {
  const { status } = deal;
  if (status === 'won') return null;
  return (
    <section class="card" aria-labelledby="outcome-title">
      <h2 id="outcome-title">{t('deal.outcome')}</h2>
      {status === 'open' ? (
        <ReasonForm
          key="hold"
          id="hold-form"
          path="hold"
          button={t('deal.hold')}
          cls=""
          toast={t('deal.heldToast')}
          deal={deal}
          done={done}
        />
      ) : null}
      {status === 'on_hold' ? <ResumeForm key="resume" deal={deal} done={done} /> : null}
      {status === 'open' || status === 'on_hold' ? (
        <ReasonForm
          key="lost"
          id="lost-form"
          path="lost"
          button={t('deal.markLost')}
          cls="danger"
          toast={t('deal.lostToast')}
          deal={deal}
          done={done}
        />
      ) : null}
      {status === 'lost' ? (
        <ReasonForm
          key="reopen"
          id="reopen-form"
          path="reopen"
          button={t('deal.reopen')}
          cls="primary"
          toast={t('deal.reopenedToast')}
          deal={deal}
          done={done}
        />
      ) : null}
    </section>
  );
}
