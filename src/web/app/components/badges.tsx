import { t } from '../i18n';
import type { DealStatus } from '../types';
import { Badge } from './form';

export function StatusBadge({ status }: { status: DealStatus }) {
  return <Badge kind={`status-${status}`}>{t(`dealStatus.${status}`)}</Badge>;
}

/** Stalled, escalated and no-sponsor markers of a deal. */
export function DealMarkers({
  deal,
  long = false,
}: {
  deal: { stalled: boolean; escalationLevel: number; noSponsorWarning: boolean };
  long?: boolean;
}) {
  return (
    <>
      {deal.stalled ? <Badge kind="warn">{t('deal.stalled')}</Badge> : null}
      {deal.escalationLevel > 0 ? (
        <Badge kind="danger">{t('deal.escalated', { level: deal.escalationLevel })}</Badge>
      ) : null}
      {deal.noSponsorWarning ? (
        <Badge kind="warn">{t(long ? 'deal.noSponsorLong' : 'deal.noSponsor')}</Badge>
      ) : null}
    </>
  );
}
