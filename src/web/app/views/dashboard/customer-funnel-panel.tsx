// The six-step customer funnel on the manager dashboard (issue 11): accounts reaching each step in
// the dashboard's period and scope, as an ECharts funnel with its numbers as a table, and the
// success rate against the seed's benchmark. Reads GET /api/reports/customers/funnel as it is.
import { useEffect, useState } from 'preact/hooks';
import zh from '../../../../i18n/locales/zh-CN/customer-reports.json';
import en from '../../../../i18n/locales/en/customer-reports.json';
import { api } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { formatNumber } from '../../format';
import { addCatalogs, currentLocale, i18n } from '../../i18n';
import { Chart } from './chart';
import { DataTable } from './data-table';
import type { Period } from './period';

addCatalogs('customer-reports', { 'zh-CN': zh, en });
const tc = (key: string, values: Record<string, unknown> = {}): string =>
  String(i18n.t(`dashboard.${key}`, { ...values, ns: 'customer-reports' }));

interface Step {
  key: string;
  held: number;
  reached: number;
  conversionToNext: number | null;
}
interface CustomerFunnel {
  steps: { key: string; name: { zh: string; en: string } }[];
  pool: number;
  totals: {
    steps: Step[];
    success: { claimed: number; ordered: number; rate: number | null; benchmark: number };
  };
}

const pct = (r: number | null) => (r === null ? '—' : `${formatNumber(Math.round(r * 1000) / 10)}%`);

export function CustomerFunnelPanel({ period, team, rep }: { period: Period; team: string; rep: string }) {
  const [report, setReport] = useState<CustomerFunnel | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true;
    const q = new URLSearchParams({ from: period.from, to: period.to });
    if (team) q.set('team', team);
    if (rep) q.set('rep', rep);
    api<CustomerFunnel>('GET', `/api/reports/customers/funnel?${q}`)
      .then((r) => current && (setReport(r.data), setError(null)))
      .catch((err: unknown) => current && setError(err));
    return () => {
      current = false;
    };
  }, [period, team, rep]);

  const id = 'dash-customers';
  const name = (i: number) => {
    const n = report?.steps[i]?.name;
    return n ? (currentLocale() === 'zh-CN' ? n.zh : n.en) : '';
  };
  const data = report?.totals.steps.map((s, i) => ({ name: name(i), value: s.reached })) ?? [];
  const success = report?.totals.success;
  return (
    <section class="dash-panel dash-wide" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{tc('title')}</h2>
      <p class="dash-question">{tc('question')}</p>
      <ErrorBox error={error} />
      {report && success ? (
        <>
          <Chart
            id={`${id}-chart`}
            summary={tc('summary', { steps: data.map((d) => `${d.name} ${d.value}`).join(', ') })}
            option={{
              tooltip: { trigger: 'item' },
              series: [
                {
                  type: 'funnel',
                  sort: 'none',
                  left: '5%',
                  width: '90%',
                  minSize: '12%',
                  gap: 2,
                  label: { show: true, position: 'inside', formatter: '{b}: {c}' },
                  data,
                },
              ],
            }}
          />
          <p id={`${id}-success`}>
            {success.claimed > 0
              ? tc('success', {
                  ordered: success.ordered,
                  claimed: success.claimed,
                  rate: pct(success.rate),
                  benchmark: pct(success.benchmark),
                })
              : tc('noClaims')}{' '}
            {tc('pool', { count: report.pool })}
          </p>
          <DataTable
            id={`${id}-table`}
            caption={tc('title')}
            table={{
              headers: [tc('step'), tc('now'), tc('reached'), tc('conversion')],
              rows: report.totals.steps.map((s, i) => [
                name(i),
                formatNumber(s.held),
                formatNumber(s.reached),
                pct(s.conversionToNext),
              ]),
              numeric: [1, 2, 3],
            }}
          />
        </>
      ) : null}
    </section>
  );
}
