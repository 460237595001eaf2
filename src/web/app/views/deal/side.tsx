// The deal page's right column: approvals (decide in place), next reminders, checklists (and the
// contract-execution checklist once won), stakeholders.
import { useState } from 'preact/hooks';
import { command, oppPath } from '../../api';
import { DecisionForm } from '../../components/decision-form';
import { ErrorBox } from '../../components/error-box';
import { Badge, Field, formText, useSubmit } from '../../components/form';
import { formatAmount, formatDate, formatDateTime, formatRelative } from '../../format';
import { t } from '../../i18n';
import { label, milestoneName, userName, useSession, type Session } from '../../session';
import type { Approval, Bilingual, Deal, DealMilestone, KeyedLabel } from '../../types';
import type { Done } from './done';

const ROLES = ['approver', 'decision_maker', 'evaluator', 'influencer', 'user'] as const;
const STANCES = ['power_sponsor', 'sponsor', 'supporter', 'neutral', 'non_supporter', 'hostile'] as const;

function mayDecide(session: Session, deal: Deal, approval: Approval): boolean {
  const { me } = session;
  if (me.role === 'admin' || me.id === approval.approverId) return true;
  const chain = deal.reportingLine?.chain ?? [];
  const approverRank = chain.indexOf(approval.approverId);
  return approverRank >= 0 && chain.indexOf(me.id) > approverRank;
}

export function ApprovalsCard({ deal, done }: { deal: Deal; done: Done }) {
  const session = useSession();
  if (deal.approvals.length === 0) {
    return (
      <section class="card" aria-labelledby="deal-approvals-title">
        <h2 id="deal-approvals-title">{t('deal.approvals')}</h2>
        <p class="muted">{t('deal.noApprovals')}</p>
      </section>
    );
  }
  // Pending first, then newest first (sort is stable).
  const ordered = [...deal.approvals]
    .reverse()
    .sort((a, b) => Number(b.status === 'pending') - Number(a.status === 'pending'));
  const open = deal.status === 'open' || deal.status === 'on_hold';
  return (
    <section class="card" id="deal-approvals" aria-labelledby="deal-approvals-title">
      <h2 id="deal-approvals-title">{t('deal.approvals')}</h2>
      <ul class="plain">
        {ordered.map((a) => (
          <li key={a.id} class={`approval-item status-${a.status}`} data-approval-id={a.id}>
            <div class="row">
              <strong>{t(`approvalKind.${a.kind}`)}</strong>
              {a.milestone ? ` — ${milestoneName(session.process, a.milestone)}` : ''}
              {a.amount !== null ? ` — ${formatAmount(a.amount, deal.currency)}` : ''}{' '}
              <Badge kind={`approval-${a.status}`}>{t(`approvalStatus.${a.status}`)}</Badge>
            </div>
            <p class="muted small">
              {userName(session, a.requestedById)} → {userName(session, a.approverId)} ·{' '}
              {formatDateTime(a.requestedAt)}
              {a.decidedAt
                ? ` · ${t('deal.decidedAt', { at: formatDateTime(a.decidedAt) })}${a.decidedById ? ` (${userName(session, a.decidedById)})` : ''}`
                : ''}
              {a.chaseLevel > 0
                ? ` · ${t(a.chaseLevel === 1 ? 'deal.reminded' : 'deal.chaseEscalated')}`
                : ''}
            </p>
            {a.reason ? <p class="reason">{a.reason}</p> : null}
            {a.comment ? <p class="comment">{t('deal.comment', { comment: a.comment })}</p> : null}
            {a.status === 'pending' && open && mayDecide(session, deal, a) ? (
              <DecisionForm
                opportunityId={deal.id}
                approvalId={a.id}
                onDone={() => done(t('approvals.decidedToast'))}
              />
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function TimersCard({ deal }: { deal: Deal }) {
  return (
    <section class="card" aria-labelledby="timers-title">
      <h2 id="timers-title">{t('deal.timers')}</h2>
      {deal.status === 'on_hold' ? (
        <p class="muted">{t('deal.timersPaused')}</p>
      ) : deal.timers.length === 0 ? (
        <p class="muted">{t('deal.noTimers')}</p>
      ) : (
        <ul class="plain timers">
          {deal.timers.map((timer, i) => (
            <li key={i}>
              <strong>{t(`timerKind.${timer.kind}`)}</strong>
              {timer.level > 0 ? ` → ${t(timer.level === 1 ? 'deal.toManager' : 'deal.toDirector')}` : ''}
              <span class="muted small">
                {' '}
                {formatDateTime(timer.dueAt)} ({formatRelative(timer.dueAt)})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type ChecklistItem = KeyedLabel & { done: boolean; at?: string | null };

function ChecklistBlock({
  deal,
  stepKey,
  name,
  items,
  open,
  progress,
  done,
}: {
  deal: Deal;
  stepKey: string;
  name: Bilingual;
  items: ChecklistItem[];
  open: boolean;
  progress: string;
  done: Done;
}) {
  const session = useSession();
  const [error, setError] = useState<unknown>(null);
  /** The item being ticked and the state the user asked for, shown until the deal is re-read. */
  const [busy, setBusy] = useState<{ key: string; checked: boolean } | null>(null);
  const editable =
    stepKey === session.process.execution.key
      ? deal.status === 'won'
      : deal.status === 'open' || deal.status === 'on_hold';
  const doneCount = items.filter((i) => i.done).length;
  const tick = async (item: ChecklistItem, checked: boolean) => {
    setError(null);
    setBusy({ key: item.key, checked });
    try {
      await command(
        `check-${stepKey}-${item.key}`,
        'PUT',
        oppPath(deal.id, `/checklist/${encodeURIComponent(stepKey)}/${encodeURIComponent(item.key)}`),
        { done: checked },
      );
      await done(t(checked ? 'deal.tickedToast' : 'deal.untickedToast'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <details class={`checklist ${progress}`} open={open} data-step={stepKey}>
      <summary>
        {label(name)}
        <span class="muted small">
          {' '}
          {doneCount}/{items.length}
        </span>
      </summary>
      <ul class="plain">
        {items.map((item) => (
          <li key={item.key}>
            <label class="check">
              <input
                type="checkbox"
                checked={busy?.key === item.key ? busy.checked : item.done}
                disabled={!editable || busy !== null}
                data-item={item.key}
                onChange={(e) => void tick(item, (e.currentTarget as HTMLInputElement).checked)}
              />
              <span>{label(item.label)}</span>
            </label>
            {item.done && item.at ? <span class="muted small"> {formatDate(item.at)}</span> : null}
          </li>
        ))}
      </ul>
      <ErrorBox error={error} />
    </details>
  );
}

export function ChecklistsCard({ deal, next, done }: { deal: Deal; next: DealMilestone | null; done: Done }) {
  const focus = next?.key ?? deal.milestones[deal.milestoneIndex]?.key;
  return (
    <section class="card" aria-labelledby="checklists-title">
      <h2 id="checklists-title">{t('deal.checklists')}</h2>
      {deal.milestones.map((m) => (
        <ChecklistBlock
          key={m.key}
          deal={deal}
          stepKey={m.key}
          name={m.name}
          items={m.checklist}
          open={m.key === focus}
          progress={m.progress}
          done={done}
        />
      ))}
    </section>
  );
}

export function ExecutionCard({ deal, done }: { deal: Deal; done: Done }) {
  return (
    <section class="card" aria-labelledby="execution-title">
      <h2 id="execution-title">{t('deal.execution')}</h2>
      <ChecklistBlock
        deal={deal}
        stepKey={deal.execution.key}
        name={deal.execution.name}
        items={deal.execution.checklist}
        open
        progress="next"
        done={done}
      />
    </section>
  );
}

export function StakeholdersCard({ deal, done }: { deal: Deal; done: Done }) {
  const editable = deal.status === 'open' || deal.status === 'on_hold';
  const submit = useSubmit(async (form) => {
    const title = formText(form, 'title');
    await command('stakeholder-form', 'POST', oppPath(deal.id, '/stakeholders'), {
      name: formText(form, 'name'),
      role: formText(form, 'role'),
      stance: formText(form, 'stance'),
      ...(title ? { title } : {}),
    });
    form.reset();
    await done(t('deal.stakeholderSavedToast'));
  });
  return (
    <section class="card" aria-labelledby="stakeholders-title">
      <h2 id="stakeholders-title">{t('deal.stakeholders')}</h2>
      {deal.stakeholders.length === 0 ? (
        <p class="muted">{t('deal.noStakeholders')}</p>
      ) : (
        <ul class="plain stakeholders">
          {deal.stakeholders.map((s, i) => (
            <li key={i}>
              <strong>{s.name}</strong>
              {s.title ? <span class="muted"> · {s.title}</span> : null}{' '}
              <Badge kind="info">{t(`stakeholderRole.${s.role}`)}</Badge>{' '}
              <Badge kind={`stance-${s.stance}`}>{t(`stance.${s.stance}`)}</Badge>
            </li>
          ))}
        </ul>
      )}
      {editable ? (
        <details>
          <summary>{t('deal.addStakeholder')}</summary>
          <form class="form-grid" id="stakeholder-form" onSubmit={submit.onSubmit}>
            <Field label={t('deal.stakeholderName')}>
              <input name="name" required maxLength={200} />
            </Field>
            <Field label={t('deal.stakeholderTitle')}>
              <input name="title" maxLength={200} />
            </Field>
            <Field label={t('deal.stakeholderRole')}>
              <select name="role" defaultValue="decision_maker">
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`stakeholderRole.${r}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('deal.stance')}>
              <select name="stance" defaultValue="neutral">
                {STANCES.map((s) => (
                  <option key={s} value={s}>
                    {t(`stance.${s}`)}
                  </option>
                ))}
              </select>
            </Field>
            <div class="span">
              <ErrorBox error={submit.error} />
            </div>
            <div class="actions span">
              <button type="submit" disabled={submit.busy}>
                {t('deal.addStakeholderSubmit')}
              </button>
            </div>
          </form>
        </details>
      ) : null}
    </section>
  );
}
