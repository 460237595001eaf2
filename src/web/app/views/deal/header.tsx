import { DealMarkers, StatusBadge } from '../../components/badges';
import { Fact } from '../../components/form';
import { formatAmount, formatDate, formatDateTime } from '../../format';
import { t } from '../../i18n';
import { label, milestoneName, userName, useSession } from '../../session';
import type { Deal } from '../../types';

export function DealHeader({ deal }: { deal: Deal }) {
  const session = useSession();
  const current = deal.milestones[deal.milestoneIndex];
  const currentName = milestoneName(session.process, current?.key);
  return (
    <section class="card deal-head" aria-labelledby="deal-name">
      <div class="deal-title">
        <div>
          <h1 id="deal-name">{deal.name}</h1>
          <p class="muted">{deal.account}</p>
        </div>
        <div class="badges">
          <StatusBadge status={deal.status} />
          <DealMarkers deal={deal} long />
        </div>
      </div>
      <dl class="facts inline">
        <Fact term={t('deal.amount')}>{formatAmount(deal.amount, deal.currency)}</Fact>
        <Fact term={t('deal.winPct')}>{deal.probability}%</Fact>
        <Fact term={t('deal.currentMilestone')}>
          {deal.reachedIndex < 0 ? t('deal.applying', { name: currentName }) : currentName}
        </Fact>
        <Fact term={t('deal.daysInStage')}>{deal.daysInStage}</Fact>
        <Fact term={t('deal.lastActivity')}>
          {deal.lastActivityAt ? formatDateTime(deal.lastActivityAt) : '—'}
        </Fact>
        <Fact term={t('deal.expectedClose')}>{formatDate(deal.expectedCloseDate)}</Fact>
        <Fact term={t('deal.owner')}>{userName(session, deal.ownerId)}</Fact>
      </dl>
      {deal.holdReason ? <p class="notice">{t('deal.onHoldReason', { reason: deal.holdReason })}</p> : null}
      {deal.lostReason ? (
        <p class="notice danger">{t('deal.lostReason', { reason: deal.lostReason })}</p>
      ) : null}
      {/* Scrolls sideways on a phone: focusable, so a keyboard can scroll it. */}
      <ol class="stepper" aria-label={t('deal.milestones')} tabIndex={0}>
        {deal.milestones.map((m) => (
          <li
            key={m.key}
            class={`step ${m.progress}`}
            title={m.reachedAt ? `${label(m.name)} — ${formatDateTime(m.reachedAt)}` : label(m.name)}
          >
            <span class="step-no" aria-hidden="true">
              {m.progress === 'reached' ? '✓' : m.progress === 'skipped' ? '↷' : String(m.index + 1)}
            </span>
            <span class="step-name">{label(m.name)}</span>
            <span class="visually-hidden">{t(`progress.${m.progress}`, { defaultValue: '' })}</span>
            <span class="step-pct">{m.winPct}%</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
