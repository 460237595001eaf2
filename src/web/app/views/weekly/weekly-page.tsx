// The weekly report in the page, for any past week: the same sections, tables and wording as the
// mail (GET /api/reports/weekly composes it with the mail's code), for the caller or a person in
// their line, in the page's language.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/form';
import { currentLocale } from '../../i18n';
import { navigate } from '../../router';
import { useSession } from '../../session';
import { DASHBOARD_CSS } from '../dashboard/dashboard-style';
import { teamToday } from '../dashboard/period';
import { lastCompleteWeek, mondayOf, shiftWeek } from './iso-week';
import { ReportContentView, type ReportContent } from './report-content';
import { tw } from './weekly-t';

interface WeeklyView {
  isoWeek: string;
  from: string;
  to: string;
  recipient: { id: string; name: string };
  content: ReportContent;
}

export function WeeklyPage({ week }: { week: string | null }) {
  const session = useSession();
  const latest = lastCompleteWeek(teamToday());
  const chosen = week && mondayOf(week) ? week : latest;
  const [person, setPerson] = useState(session.me.id);
  const [report, setReport] = useState<WeeklyView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const locale = currentLocale();

  useEffect(() => {
    let current = true;
    setReport(null);
    const q = new URLSearchParams({ week: chosen, locale });
    if (person !== session.me.id) q.set('for', person);
    api<WeeklyView>('GET', `/api/reports/weekly?${q}`)
      .then(({ data }) => current && (setReport(data), setError(null)))
      .catch((err: unknown) => current && setError(err));
    return () => {
      current = false;
    };
  }, [chosen, person, locale, session.me.id]);

  const people = [...session.users.values()].filter(
    (u) => u.id === session.me.id || ((u.role === 'manager' || u.role === 'director') && isInLine(u.id)),
  );
  function isInLine(id: string): boolean {
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
  }
  const previous = shiftWeek(chosen, -1);
  const next = shiftWeek(chosen, 1);
  const go = (w: string | null) => w && navigate(`#/weekly/${w}`);

  return (
    <section class="weekly" aria-labelledby="weekly-title">
      <style>{DASHBOARD_CSS}</style>
      <h1 id="weekly-title">{tw('title')}</h1>
      <form class="dash-controls" id="weekly-controls" onSubmit={(e) => e.preventDefault()}>
        <Field label={tw('week')}>
          <input
            type="week"
            id="weekly-week"
            value={chosen}
            max={latest}
            onChange={(e) => {
              const value = (e.currentTarget as HTMLInputElement).value;
              if (mondayOf(value)) go(value);
            }}
          />
        </Field>
        <div class="actions">
          <button type="button" id="weekly-previous" onClick={() => go(previous)}>
            {tw('previous')}
          </button>
          <button type="button" id="weekly-next" disabled={!next || next > latest} onClick={() => go(next)}>
            {tw('next')}
          </button>
        </div>
        {people.length > 1 ? (
          <Field label={tw('for')}>
            <select
              id="weekly-for"
              value={person}
              onChange={(e) => setPerson((e.currentTarget as HTMLSelectElement).value)}
            >
              {people.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.id === session.me.id ? tw('me', { name: u.name }) : u.name}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
      </form>
      <ErrorBox error={error} />
      {!report && !error ? <p class="muted">{tw('loading')}</p> : null}
      {report ? (
        <ReportContentView
          id="weekly-report"
          lang={locale}
          content={report.content}
          subtitle={tw('range', { from: report.from, to: report.to, name: report.recipient.name })}
        />
      ) : null}
    </section>
  );
}
