// Report numbers -> what the dashboard draws and the same numbers as a table. Pure: the labels and
// formatters come in, so the figures a chart shows and its table can never disagree.
import type { ChartOption } from './chart';
import type {
  BottleneckReport,
  ForecastReport,
  FunnelReport,
  MovementReport,
  StalledList,
} from './dashboard-types';

export interface Table {
  headers: string[];
  rows: string[][];
  /** Columns (by index) holding numbers: right-aligned. */
  numeric: number[];
  /** Rows (by index) to emphasise: a flagged rep, the totals. */
  marked?: number[];
}

export interface Formatters {
  money: (n: number) => string;
  moneyShort: (n: number) => string;
  pct: (r: number | null) => string;
  num: (n: number | null) => string;
  milestone: (key: string) => string;
  t: (key: string, values?: Record<string, unknown>) => string;
}

const COLORS = ['#2f6fde', '#1f9d55', '#d69e2e', '#c25400', '#6b46c1', '#718096'];

function bars(
  categories: string[],
  values: number[],
  format: (n: number) => string,
  horizontal = false,
): ChartOption {
  const category = {
    type: 'category',
    data: categories,
    // Horizontal bars read top-down in the order given.
    inverse: horizontal,
    axisLabel: { interval: 0, overflow: 'truncate', width: 90 },
  };
  const value = { type: 'value', axisLabel: { formatter: format } };
  return {
    color: COLORS,
    grid: {
      left: horizontal ? 100 : 50,
      right: 24,
      top: 16,
      bottom: horizontal ? 24 : 48,
      containLabel: true,
    },
    tooltip: { trigger: 'axis', valueFormatter: format },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? category : value,
    series: [
      {
        type: 'bar',
        data: values.map((v, i) => ({ value: v, itemStyle: { color: COLORS[i % COLORS.length] } })),
        label: {
          show: true,
          position: horizontal ? 'right' : 'top',
          formatter: (p: { value: number }) => format(p.value),
        },
      },
    ],
  };
}

/** Q1 "will we make the number": target, won, commit, best case and pipeline. */
export function forecastChart(
  r: ForecastReport,
  f: Formatters,
): { option: ChartOption; table: Table; summary: string } {
  const l = r.totals;
  const labels = [
    f.t('forecast.target'),
    f.t('forecast.won'),
    f.t('forecast.commit'),
    f.t('forecast.bestCase'),
    f.t('forecast.pipeline'),
  ];
  const values = [l.target, l.won.amount, l.commit.weighted, l.bestCase.weighted, l.pipeline.weighted];
  const row = (name: string, x: typeof l) => [
    name,
    f.money(x.target),
    f.money(x.won.amount),
    f.money(x.remainingTarget),
    f.money(x.commit.weighted),
    f.money(x.bestCase.weighted),
    f.money(x.pipeline.weighted),
    x.coverage === null ? '—' : `${x.coverage.toFixed(2)}×`,
  ];
  return {
    option: bars(labels, values, f.moneyShort, true),
    summary: f.t('forecast.summary', {
      target: f.money(l.target),
      won: f.money(l.won.amount),
      coverage: l.coverage === null ? '—' : `${l.coverage.toFixed(2)}×`,
    }),
    table: {
      headers: [
        f.t('forecast.who'),
        labels[0]!,
        labels[1]!,
        f.t('forecast.remaining'),
        labels[2]!,
        labels[3]!,
        labels[4]!,
        f.t('forecast.coverage'),
      ],
      rows: [...r.byRep.map((x) => row(x.name ?? '—', x)), row(f.t('total'), l)],
      numeric: [1, 2, 3, 4, 5, 6, 7],
      marked: [r.byRep.length],
    },
  };
}

/** The funnel: deals reaching each milestone in the period, and conversion to the next. */
export function funnelChart(
  r: FunnelReport,
  f: Formatters,
): { option: ChartOption; table: Table; summary: string } {
  const data = r.stages.map((s) => ({ name: f.milestone(s.key), value: s.reached }));
  return {
    option: {
      color: COLORS,
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
    },
    summary: f.t('funnel.summary', { stages: data.map((d) => `${d.name} ${d.value}`).join(', ') }),
    table: {
      headers: [f.t('funnel.stage'), f.t('funnel.reached'), f.t('funnel.amount'), f.t('funnel.conversion')],
      rows: r.stages.map((s) => [
        f.milestone(s.key),
        f.num(s.reached),
        f.money(s.amount),
        f.pct(s.conversionToNext),
      ]),
      numeric: [1, 2, 3],
    },
  };
}

/** Movement over the period: advanced, stalled, won, lost (and created). */
export function movementChart(
  r: MovementReport,
  f: Formatters,
): { option: ChartOption; table: Table; summary: string } {
  const keys = ['created', 'advanced', 'stalled', 'won', 'lost'] as const;
  const labels = keys.map((k) => f.t(`movement.${k}`));
  return {
    option: bars(
      labels,
      keys.map((k) => r[k].count),
      (n) => f.num(n),
    ),
    summary: f.t('movement.summary', {
      list: keys.map((k, i) => `${labels[i]} ${r[k].count}`).join(', '),
    }),
    table: {
      headers: [f.t('movement.what'), f.t('movement.deals'), f.t('movement.amount')],
      rows: keys.map((k, i) => [labels[i]!, f.num(r[k].count), f.money(r[k].amount)]),
      numeric: [1, 2],
    },
  };
}

/** Days in stage of the deals open now, per milestone. */
export function daysInStageChart(
  r: MovementReport,
  f: Formatters,
): { option: ChartOption; table: Table; summary: string } {
  const labels = r.daysInStage.map((d) => f.milestone(d.key));
  return {
    option: bars(
      labels,
      r.daysInStage.map((d) => d.avgDays ?? 0),
      (n) => f.num(n),
    ),
    summary: f.t('days.summary', {
      list: r.daysInStage.map((d, i) => `${labels[i]} ${f.num(d.avgDays)}`).join(', '),
    }),
    table: {
      headers: [f.t('days.stage'), f.t('days.open'), f.t('days.stalled'), f.t('days.avg'), f.t('days.max')],
      rows: r.daysInStage.map((d, i) => [
        labels[i]!,
        f.num(d.open),
        f.num(d.stalled),
        f.num(d.avgDays),
        f.num(d.maxDays),
      ]),
      numeric: [1, 2, 3, 4],
    },
  };
}

export function stalledTable(r: StalledList, f: Formatters): Table {
  return {
    headers: [
      f.t('stalled.deal'),
      f.t('stalled.account'),
      f.t('stalled.owner'),
      f.t('stalled.stage'),
      f.t('stalled.days'),
      f.t('stalled.escalation'),
      f.t('stalled.amount'),
    ],
    rows: r.deals.map((d) => [
      d.name,
      d.account,
      d.ownerName,
      f.milestone(d.milestone),
      f.num(d.daysInStage),
      f.t(
        d.escalationLevel >= 2
          ? 'stalled.level2'
          : d.escalationLevel === 1
            ? 'stalled.level1'
            : 'stalled.level0',
      ),
      f.money(d.amount),
    ]),
    numeric: [4, 6],
  };
}

/** Each rep's step-to-step conversion against the team's; reps below it by the margin flagged. */
export function bottleneckTable(r: BottleneckReport, f: Formatters): Table {
  const steps = r.team.map((s) => `${f.milestone(s.from)} → ${f.milestone(s.to)}`);
  const cell = (x: { rate: number | null; advanced: number; entered: number }) =>
    x.entered === 0 ? '—' : `${f.pct(x.rate)} (${x.advanced}/${x.entered})`;
  const rows = [
    [f.t('bottlenecks.team'), ...r.team.map(cell)],
    ...r.reps.map((rep) => [
      rep.name,
      ...r.team.map((s) => {
        const x = rep.transitions.find((t) => t.from === s.from && t.to === s.to);
        if (!x) return '—';
        return x.flagged
          ? `${cell(x)} ${f.t('bottlenecks.flag', { gap: Math.round(x.gapPct ?? 0) })}`
          : cell(x);
      }),
    ]),
  ];
  const marked = r.reps.flatMap((rep, i) => (rep.transitions.some((x) => x.flagged) ? [i + 1] : []));
  return {
    headers: [f.t('bottlenecks.who'), ...steps],
    rows,
    numeric: steps.map((_, i) => i + 1),
    marked,
  };
}
