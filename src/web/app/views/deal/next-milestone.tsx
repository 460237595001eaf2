import { command, oppPath } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { Field, formText, useSubmit } from '../../components/form';
import { t } from '../../i18n';
import { label } from '../../session';
import type { Deal, DealMilestone } from '../../types';
import type { Done } from './done';

export function NextMilestoneCard({
  deal,
  next,
  done,
}: {
  deal: Deal;
  next: DealMilestone | null;
  done: Done;
}) {
  if (!next) {
    return (
      <section class="card">
        <h2>{t('deal.milestones')}</h2>
        <p>{deal.status === 'won' ? t('deal.wonNoNext') : t('deal.noNext')}</p>
      </section>
    );
  }
  const gate = next.approvalGate;
  const showGateRequest =
    gate && deal.status === 'open' && gate.status !== 'approved' && gate.status !== 'pending';
  return (
    <section class="card" id="next-milestone" aria-labelledby="next-milestone-title">
      <h2 id="next-milestone-title">
        {t('deal.nextMilestone')}: <span class="milestone-name">{label(next.name)}</span>
      </h2>
      <p class="muted small">{t('deal.buyerStage', { stage: label(next.buyerStage), pct: next.winPct })}</p>
      {deal.status !== 'open' ? (
        <p class="notice">{t('deal.cannotComplete', { status: t(`dealStatus.${deal.status}`) })}</p>
      ) : null}
      {showGateRequest ? (
        <QuickGateRequest key={`gate-${next.key}`} deal={deal} next={next} done={done} />
      ) : null}
      <CompleteForm key={`complete-${next.key}`} deal={deal} next={next} done={done} />
    </section>
  );
}

function CompleteForm({ deal, next, done }: { deal: Deal; next: DealMilestone; done: Done }) {
  const gate = next.approvalGate;
  const id = `complete-${next.key}`;
  const submit = useSubmit(async (form) => {
    const f = new FormData(form);
    const links = String(f.get('links') ?? '')
      .split(/\s+/)
      .map((s) => s.trim())
      .filter(Boolean);
    await command(id, 'POST', oppPath(deal.id, '/milestones'), {
      milestone: next.key,
      criteriaMet: f.getAll('criteria').map(String),
      evidence: formText(form, 'evidence'),
      ...(links.length > 0 ? { links } : {}),
    });
    await done(t('deal.completedToast', { name: label(next.name) }));
  });
  return (
    <form class="complete" id={id} onSubmit={submit.onSubmit}>
      <fieldset>
        <legend>{t('deal.criteria', { rule: t(`rule.${next.rule}`) })}</legend>
        {next.criteria.map((c) => (
          <label class="check" key={c.key}>
            <input type="checkbox" name="criteria" value={c.key} />
            <span>{label(c.label)}</span>
          </label>
        ))}
      </fieldset>
      {gate ? (
        <p class={`gate gate-${gate.status ?? 'none'}`}>
          <strong>{label(gate.label)}</strong> —{' '}
          {gate.status ? t(`approvalStatus.${gate.status}`) : t('deal.gateNotRequested')}
        </p>
      ) : null}
      <Field label={t('deal.evidence')}>
        <textarea name="evidence" rows={3} maxLength={5000} placeholder={t('deal.evidencePlaceholder')} />
      </Field>
      <Field label={t('deal.links')}>
        <textarea name="links" rows={2} placeholder="https://…" />
      </Field>
      <ErrorBox error={submit.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={deal.status !== 'open' || submit.busy}>
          {t('deal.complete', { name: label(next.name) })}
        </button>
      </div>
    </form>
  );
}

function QuickGateRequest({ deal, next, done }: { deal: Deal; next: DealMilestone; done: Done }) {
  const id = `gate-${next.key}`;
  const submit = useSubmit(async (form) => {
    await command(id, 'POST', oppPath(deal.id, '/approvals'), {
      kind: 'milestone_gate',
      milestone: next.key,
      reason: formText(form, 'reason'),
    });
    await done(t('deal.approvalRequestedToast'));
  });
  return (
    <form class="quick-gate" id={id} onSubmit={submit.onSubmit}>
      <p>{t('deal.gateNeeded', { gate: label(next.approvalGate?.label) })}</p>
      <Field label={t('deal.reason')}>
        <input name="reason" required maxLength={2000} />
      </Field>
      <ErrorBox error={submit.error} />
      <div class="actions">
        <button type="submit" disabled={submit.busy}>
          {t('deal.requestApproval')}
        </button>
      </div>
    </form>
  );
}
