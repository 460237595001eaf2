// The deal page: header with facts, markers and the milestone stepper; the next milestone's
// completion form (criteria, evidence, links) with the quick gate request; contract-execution
// checklist; log an activity; request an approval; outcome (hold / resume / lost / reopen);
// approvals with decide-in-place; next reminders; checklists; stakeholders; history.
// Forms are uncontrolled: a refresh after a command re-renders with new data and keeps what the
// user typed in the other forms.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, oppPath } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { t } from '../../i18n';
import { projectReportHref, type Route } from '../../router';
import { useSession } from '../../session';
import type { Deal } from '../../types';
import { DealHeader } from './header';
import { NextMilestoneCard } from './next-milestone';
import { ActivityCard, ApprovalRequestCard, OutcomeCard } from './commands';
import { ApprovalsCard, ChecklistsCard, ExecutionCard, StakeholdersCard, TimersCard } from './side';
import { HistoryCard } from './history';
import type { Done } from './done';

export function DealView({ route }: { route: Route }) {
  const id = route.name === 'deal' ? route.id : '';
  const session = useSession();
  const [deal, setDeal] = useState<Deal | null>(null);
  const [error, setError] = useState<unknown>(null);
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);

  // A deal with a kickoff plan has a weekly project report: the page links to it.
  const [hasPlan, setHasPlan] = useState(false);

  const load = useCallback(async () => {
    const { data } = await api<Deal>('GET', oppPath(id));
    if (alive.current) setDeal(data);
    api<{ planRecordedAt: string | null }>('GET', oppPath(id, '/plan'))
      .then(({ data: plan }) => alive.current && setHasPlan(plan.planRecordedAt !== null))
      .catch(() => undefined); // not in the read model yet: no link
  }, [id]);

  useEffect(() => {
    load().catch((err: unknown) => alive.current && setError(err));
  }, [load]);

  const done: Done = useCallback(
    async (message: string) => {
      session.toast(message);
      await load();
    },
    [session, load],
  );

  if (!deal) {
    return error ? (
      <div class="card">
        <ErrorBox error={error} />
        <div class="actions">
          <a class="button" href="#/">
            {t('deal.back')}
          </a>
        </div>
      </div>
    ) : (
      <p class="muted">{t('common.loading')}</p>
    );
  }
  const next = deal.milestones.find((m) => m.key === deal.nextMilestone) ?? null;
  return (
    <>
      <div class="page-head">
        <a href="#/" class="back">
          ← {t('deals.title')}
        </a>
        {hasPlan ? (
          <a href={projectReportHref(deal.id)} id="deal-project-report">
            {t('projectReport.open')}
          </a>
        ) : null}
        <button
          type="button"
          class="refresh"
          onClick={() => void load().catch((err: unknown) => setError(err))}
        >
          {t('common.refresh')}
        </button>
      </div>
      <DealHeader deal={deal} />
      <div class="deal-grid">
        <div class="col">
          <NextMilestoneCard deal={deal} next={next} done={done} />
          {deal.execution.open ? <ExecutionCard deal={deal} done={done} /> : null}
          <ActivityCard deal={deal} done={done} />
          <ApprovalRequestCard deal={deal} next={next} done={done} />
          <OutcomeCard deal={deal} done={done} />
        </div>
        <div class="col">
          <ApprovalsCard deal={deal} done={done} />
          <TimersCard deal={deal} />
          <ChecklistsCard deal={deal} next={next} done={done} />
          <StakeholdersCard deal={deal} done={done} />
          <HistoryCard deal={deal} />
        </div>
      </div>
    </>
  );
}
