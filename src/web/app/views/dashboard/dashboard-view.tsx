// The manager dashboard: the three questions of the weekly report answered in charts, for the
// caller's line (a director the whole line, an admin everyone), over a chosen period. Each chart
// has its numbers as a table beside it. Reads the report endpoints as they are.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/form';
import { formatAmount, formatNumber } from '../../format';
import { milestoneName, useSession } from '../../session';
import type { User } from '../../types';
import { Chart } from './chart';
import { CustomerFunnelPanel } from './customer-funnel-panel';
import {
  bottleneckTable,
  daysInStageChart,
  forecastChart,
  funnelChart,
  movementChart,
  stalledTable,
  type Formatters,
  type Table,
} from './dashboard-charts';
import { DASHBOARD_CSS } from './dashboard-style';
import { td } from './dashboard-t';
import type { DashboardData } from './dashboard-types';
import { DataTable } from './data-table';
import { PRESETS, presetPeriod, teamToday, type Period, type Preset } from './period';

/** The caller and everyone below them among the users the shell loaded (an admin: everyone). */
function lineOf(me: User, users: Map<string, User>): User[] {
  const all = [...users.values()];
  if (me.role === 'admin') return all.filter((u) => u.active !== false);
  const line = new Set([me.id]);
  for (let grew = true; grew;) {
    grew = false;
    for (const u of all) {
      if (u.managerId && line.has(u.managerId) && !line.has(u.id)) {
        line.add(u.id);
        grew = true;
      }
    }
  }
  return all.filter((u) => line.has(u.id) && u.active !== false);
}

async function loadAll(period: Period, team: string, rep: string): Promise<DashboardData> {
  const q = new URLSearchParams({ from: period.from, to: period.to });
  if (team) q.set('team', team);
  if (rep) q.set('rep', rep);
  const scope = new URLSearchParams();
  if (team) scope.set('team', team);
  if (rep) scope.set('rep', rep);
  const get = async <T,>(path: string) => (await api<T>('GET', path)).data;
  const [funnel, forecast, movement, bottlenecks, stalled] = await Promise.all([
    get<DashboardData['funnel']>(`/api/reports/funnel?${q}`),
    get<DashboardData['forecast']>(`/api/reports/forecast?${q}`),
    get<DashboardData['movement']>(`/api/reports/movement?${q}`),
    get<DashboardData['bottlenecks']>(`/api/reports/bottlenecks?${q}`),
    get<DashboardData['stalled']>(`/api/dashboard/stalled?${scope}`),
  ]);
  return { funnel, forecast, movement, bottlenecks, stalled };
}

function Panel({
  id,
  title,
  question,
  chart,
  table,
  wide,
}: {
  id: string;
  title: string;
  question?: string;
  chart?: { option: Record<string, unknown>; summary: string };
  table: Table;
  wide?: boolean;
}) {
  return (
    <section class={`dash-panel${wide ? ' dash-wide' : ''}`} id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {question ? <p class="dash-question">{question}</p> : null}
      {chart ? <Chart id={`${id}-chart`} option={chart.option} summary={chart.summary} /> : null}
      {table.rows.length > 0 ? (
        <DataTable id={`${id}-table`} table={table} caption={td('tableCaption', { title })} />
      ) : (
        <p class="muted">{td('none')}</p>
      )}
    </section>
  );
}

export function DashboardPage() {
  const session = useSession();
  const { me, process } = session;
  const [preset, setPreset] = useState<Preset>('thisQuarter');
  const [period, setPeriod] = useState<Period>(() => presetPeriod('thisQuarter', teamToday()));
  const [team, setTeam] = useState('');
  const [rep, setRep] = useState('');
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    setBusy(true);
    loadAll(period, team, rep)
      .then((d) => current && (setData(d), setError(null)))
      .catch((err: unknown) => current && setError(err))
      .finally(() => current && setBusy(false));
    return () => {
      current = false;
    };
  }, [period, team, rep]);

  const line = useMemo(() => lineOf(me, session.users), [me, session.users]);
  const leads = line.filter((u) => u.role === 'manager' || u.role === 'director');
  const reps = line.filter(
    (u) => !team || u.managerId === team || u.id === team || isBelow(u, team, session.users),
  );

  const f: Formatters = {
    money: (n) => formatAmount(n),
    moneyShort: (n) => formatAmount(n, 'CNY', { compact: true }),
    pct: (r) => (r === null ? '—' : `${formatNumber(Math.round(r * 1000) / 10)}%`),
    num: (n) => (n === null ? '—' : formatNumber(n)),
    milestone: (key) => milestoneName(process, key),
    t: td,
  };

  const charts = data
    ? {
        forecast: forecastChart(data.forecast, f),
        funnel: funnelChart(data.funnel, f),
        movement: movementChart(data.movement, f),
        days: daysInStageChart(data.movement, f),
        stalled: stalledTable(data.stalled, f),
        bottlenecks: bottleneckTable(data.bottlenecks, f),
      }
    : null;

  return (
    <section class="dashboard" aria-labelledby="dashboard-title" aria-busy={busy}>
      <style>{DASHBOARD_CSS}</style>
      <h1 id="dashboard-title">{td('title')}</h1>
      <form class="dash-controls" id="dashboard-controls" onSubmit={(e) => e.preventDefault()}>
        <Field label={td('period.label')}>
          <select
            id="dashboard-period"
            value={preset}
            onChange={(e) => {
              const value = (e.currentTarget as HTMLSelectElement).value as Preset;
              setPreset(value);
              if (value !== 'custom') setPeriod(presetPeriod(value, teamToday()));
            }}
          >
            {PRESETS.map((p) => (
              <option key={p} value={p}>
                {td(`period.${p}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={td('period.from')}>
          <input
            type="date"
            id="dashboard-from"
            value={period.from}
            disabled={preset !== 'custom'}
            onChange={(e) => {
              const from = (e.currentTarget as HTMLInputElement).value;
              if (from) setPeriod({ ...period, from });
            }}
          />
        </Field>
        <Field label={td('period.to')}>
          <input
            type="date"
            id="dashboard-to"
            value={period.to}
            disabled={preset !== 'custom'}
            onChange={(e) => {
              const to = (e.currentTarget as HTMLInputElement).value;
              if (to) setPeriod({ ...period, to });
            }}
          />
        </Field>
        {leads.length > 0 ? (
          <Field label={td('filter.team')}>
            <select
              id="dashboard-team"
              value={team}
              onChange={(e) => {
                setTeam((e.currentTarget as HTMLSelectElement).value);
                setRep('');
              }}
            >
              <option value="">{td('filter.wholeLine')}</option>
              {leads.map((u) => (
                <option key={u.id} value={u.id}>
                  {td('filter.teamOf', { name: u.name })}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        {line.length > 1 ? (
          <Field label={td('filter.rep')}>
            <select
              id="dashboard-rep"
              value={rep}
              onChange={(e) => setRep((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="">{td('filter.allReps')}</option>
              {reps.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
      </form>
      <ErrorBox error={error} />
      {!charts && !error ? <p class="muted">{td('loading')}</p> : null}
      {charts ? (
        <div class="dash-grid">
          <Panel
            id="dash-forecast"
            title={td('forecast.title')}
            question={td('q1')}
            chart={charts.forecast}
            table={charts.forecast.table}
            wide
          />
          <Panel
            id="dash-funnel"
            title={td('funnel.title')}
            question={td('q3')}
            chart={charts.funnel}
            table={charts.funnel.table}
          />
          <Panel
            id="dash-movement"
            title={td('movement.title')}
            question={td('q2')}
            chart={charts.movement}
            table={charts.movement.table}
          />
          <Panel id="dash-days" title={td('days.title')} chart={charts.days} table={charts.days.table} />
          <Panel
            id="dash-stalled"
            title={td('stalled.title', { count: data?.stalled.total ?? 0 })}
            table={charts.stalled}
          />
          <Panel
            id="dash-bottlenecks"
            title={td('bottlenecks.title')}
            question={td('bottlenecks.intro', {
              margin: data?.bottlenecks.marginPct ?? 0,
              sample: data?.bottlenecks.minSample ?? 0,
            })}
            table={charts.bottlenecks}
            wide
          />
          <CustomerFunnelPanel period={period} team={team} rep={rep} />
        </div>
      ) : null}
    </section>
  );
}

function isBelow(user: User, leadId: string, users: Map<string, User>): boolean {
  const seen = new Set<string>();
  for (let m = user.managerId; m && !seen.has(m); m = users.get(m)?.managerId ?? null) {
    if (m === leadId) return true;
    seen.add(m);
  }
  return false;
}
