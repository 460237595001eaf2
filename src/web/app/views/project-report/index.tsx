// A deal's weekly project report (销售项目周报) in the page, for any past week
// (#/opportunities/<id>/project-report[/2026-W06]): the same content the mail is composed from
// (GET /api/opportunities/{id}/project-reports), in the page's language, with previous/next week.
import { useEffect, useState } from 'preact/hooks';
import { api, oppPath } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/form';
import { currentLocale, t } from '../../i18n';
import { dealHref, navigate, projectReportHref, type Route } from '../../router';
import { DASHBOARD_CSS } from '../dashboard/dashboard-style';
import { teamToday } from '../dashboard/period';
import { lastCompleteWeek, mondayOf, shiftWeek } from '../weekly/iso-week';
import { ReportContentView, type ReportContent } from '../weekly/report-content';

interface ProjectReport {
  opportunityId: string;
  isoWeek: string;
  from: string;
  to: string;
  content: ReportContent;
}

export function ProjectReportView({ route }: { route: Route }) {
  const id = route.name === 'projectReport' ? route.id : '';
  const week = route.name === 'projectReport' ? route.week : null;
  const latest = lastCompleteWeek(teamToday());
  const chosen = week && mondayOf(week) ? week : latest;
  const [report, setReport] = useState<ProjectReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const locale = currentLocale();

  useEffect(() => {
    let current = true;
    setReport(null);
    setError(null);
    const q = new URLSearchParams({ week: chosen, locale });
    api<ProjectReport>('GET', oppPath(id, `/project-reports?${q}`))
      .then(({ data }) => current && setReport(data))
      .catch((err: unknown) => current && setError(err));
    return () => {
      current = false;
    };
  }, [id, chosen, locale]);

  const previous = shiftWeek(chosen, -1);
  const next = shiftWeek(chosen, 1);
  const go = (w: string | null) => w && navigate(projectReportHref(id, w));

  return (
    <section class="weekly" aria-labelledby="project-report-title">
      <style>{DASHBOARD_CSS}</style>
      <div class="page-head">
        <a href={dealHref(id)} class="back">
          ← {t('projectReport.backToDeal')}
        </a>
      </div>
      <h1 id="project-report-title">{t('projectReport.title')}</h1>
      <form class="dash-controls" id="project-report-controls" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('projectReport.week')}>
          <input
            type="week"
            id="project-report-week"
            value={chosen}
            max={latest}
            onChange={(e) => {
              const value = (e.currentTarget as HTMLInputElement).value;
              if (mondayOf(value)) go(value);
            }}
          />
        </Field>
        <div class="actions">
          <button type="button" id="project-report-previous" onClick={() => go(previous)}>
            {t('projectReport.previous')}
          </button>
          <button
            type="button"
            id="project-report-next"
            disabled={!next || next > latest}
            onClick={() => go(next)}
          >
            {t('projectReport.next')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {!report && !error ? <p class="muted">{t('common.loading')}</p> : null}
      {report ? (
        <ReportContentView
          id="project-report"
          lang={locale}
          content={report.content}
          subtitle={t('projectReport.range', { from: report.from, to: report.to })}
        />
      ) : null}
    </section>
  );
}
