// Approvals waiting for me: one card per pending approval with the deal, kind, milestone,
// discount, requester, age and reason, and approve / reject in place.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { DecisionForm } from '../../components/decision-form';
import { ErrorBox } from '../../components/error-box';
import { Badge, Fact } from '../../components/form';
import { daysSince, formatAmount, formatDateTime } from '../../format';
import { t } from '../../i18n';
import { dealHref, type Route } from '../../router';
import { milestoneName, userName, useSession } from '../../session';
import type { PendingApproval } from '../../types';

/** Decided here a moment ago; the read model may still list them as pending for a second. */
export const recentlyDecided = new Set<string>();

export function ApprovalsView(_props: { route: Route }) {
  const session = useSession();
  const [approvals, setApprovals] = useState<PendingApproval[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [decided, setDecided] = useState<Map<string, string>>(new Map());

  const load = useCallback(async () => {
    setError(null);
    try {
      const { data } = await api<{ approvals: PendingApproval[] }>('GET', '/api/approvals/pending');
      setApprovals(data.approvals.filter((a) => !recentlyDecided.has(a.id)));
      setDecided(new Map());
    } catch (err) {
      setError(err);
    }
    session.refreshApprovalCount();
  }, [session]);

  useEffect(() => void load(), [load]);

  return (
    <>
      <div class="page-head">
        <h1>{t('approvals.title')}</h1>
        <button type="button" class="refresh" onClick={() => void load()}>
          {t('common.refresh')}
        </button>
      </div>
      <ErrorBox error={error} />
      <div class="approvals">
        {!approvals ? (
          error ? null : (
            <p class="muted">{t('common.loading')}</p>
          )
        ) : approvals.length === 0 ? (
          <div class="card empty">
            <p>{t('approvals.none')}</p>
          </div>
        ) : (
          approvals.map((a) =>
            decided.has(a.id) ? (
              <p class="card done" key={a.id}>
                {t('approvals.decided', { name: a.opportunityName })}
              </p>
            ) : (
              <article class="card approval" key={a.id} data-approval-id={a.id}>
                <div class="approval-head">
                  <h2>
                    <a href={dealHref(a.opportunityId)}>{a.opportunityName}</a>
                  </h2>
                  <Badge kind="info">{t(`approvalKind.${a.kind}`)}</Badge>
                </div>
                <dl class="facts">
                  <Fact term={t('approvals.account')}>{a.account}</Fact>
                  {a.milestone ? (
                    <Fact term={t('approvals.milestone')}>{milestoneName(session.process, a.milestone)}</Fact>
                  ) : null}
                  {a.amount !== null ? (
                    <Fact term={t('approvals.discount')}>{formatAmount(a.amount)}</Fact>
                  ) : null}
                  <Fact term={t('approvals.requestedBy')}>{userName(session, a.requestedById)}</Fact>
                  <Fact term={t('approvals.requestedAt')}>
                    {formatDateTime(a.requestedAt)} (
                    {t('common.days', { count: daysSince(a.requestedAt) ?? 0 })})
                  </Fact>
                </dl>
                {a.reason ? <blockquote class="reason">{a.reason}</blockquote> : null}
                <DecisionForm
                  opportunityId={a.opportunityId}
                  approvalId={a.id}
                  onDone={(decision) => {
                    recentlyDecided.add(a.id);
                    setDecided((m) => new Map(m).set(a.id, decision));
                    session.refreshApprovalCount();
                  }}
                />
              </article>
            ),
          )
        )}
      </div>
    </>
  );
}
