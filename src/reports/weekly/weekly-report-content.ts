// What the weekly report says, independent of HTML or text: the three questions answered with
// numbers, the week's movement against last week, the stalled list, progress against plan.
import { milestoneNameInAnyVersion } from '../../../workflows/process-versions';
import { formatAmount, type TMailLocale } from '../../mail/locale';
import { localDay, type ReportPeriod } from '../report-period';
import type { TForecastLine } from '../schemas';
import { TRAILING_DAYS, type WeeklyReportData } from './compose-weekly-report';
import { WEEKLY_STRINGS, type WeeklyStrings } from './weekly-strings';
import { customerSection } from '../customers/weekly-customer-section';

/** Reports add amounts across deals; the product's deals are in one currency (CNY by default). */
export const REPORT_CURRENCY = 'CNY';

export interface ContentTable {
  headers: string[];
  rows: string[][];
  /** Columns (by index) holding numbers: right-aligned. */
  numeric: number[];
}

export type ContentBlock = { kind: 'text'; text: string } | { kind: 'table'; table: ContentTable };

export interface ContentSection {
  title: string;
  blocks: ContentBlock[];
}

export interface WeeklyReportContent {
  locale: TMailLocale;
  subject: string;
  heading: string;
  greeting: string;
  intro: string;
  sections: ContentSection[];
  footer: string;
}

const text = (t: string): ContentBlock => ({ kind: 'text', text: t });
const table = (headers: string[], rows: string[][], numeric: number[]): ContentBlock => ({
  kind: 'table',
  table: { headers, rows, numeric },
});

function days(period: ReportPeriod): string {
  return `${localDay(period.from)} – ${localDay(new Date(period.to.getTime() - 1))}`;
}

function formatters(locale: TMailLocale) {
  const money = (n: number) => formatAmount(n, REPORT_CURRENCY, locale);
  const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 1000) / 10}%`);
  const times = (r: number | null) => (r === null ? '—' : `${r.toFixed(2)}×`);
  const num = (n: number | null) => (n === null ? '—' : String(n));
  // By key, in whichever process version has the milestone (issue 17).
  const milestone = (key: string) => {
    const name = milestoneNameInAnyVersion(key);
    return name ? (locale === 'zh-CN' ? name.zh : name.en) : key;
  };
  return { money, pct, times, num, milestone };
}

function planSection(
  d: WeeklyReportData,
  s: WeeklyStrings,
  f: ReturnType<typeof formatters>,
): ContentSection {
  const { totals } = d.plan.forecast;
  const progress = {
    planDays: days(d.plan.period),
    elapsedPct: f.pct(d.plan.elapsed),
    wonPct: f.pct(totals.target > 0 ? totals.won.amount / totals.target : null),
  };
  const summary =
    totals.target === 0
      ? s.noTarget
      : totals.remainingTarget === 0
        ? s.targetMet(progress)
        : s.q1Summary({ ...progress, coverage: f.times(totals.coverage) });
  const blocks: ContentBlock[] = [text(summary)];
  const headers = [s.teamOrRep, s.target, s.won, s.remaining, s.weighted, s.commit, s.bestCase, s.coverage];
  const row = (label: string, l: TForecastLine) => [
    label,
    f.money(l.target),
    f.money(l.won.amount),
    f.money(l.remainingTarget),
    f.money(l.pipeline.weighted),
    f.money(l.commit.weighted),
    f.money(l.bestCase.weighted),
    f.times(l.coverage),
  ];
  blocks.push(
    table(
      headers,
      [...d.plan.byDirectReport.map((l) => row(l.name ?? l.userId ?? '', l)), row(s.total, totals)],
      [1, 2, 3, 4, 5, 6, 7],
    ),
  );
  return { title: s.q1, blocks };
}

function movementSection(
  d: WeeklyReportData,
  s: WeeklyStrings,
  f: ReturnType<typeof formatters>,
): ContentSection {
  const cell = (m: { count: number; amount: number }) => `${s.deals(m.count)} · ${f.money(m.amount)}`;
  const fields = [
    [s.created, 'created'],
    [s.advanced, 'advanced'],
    [s.stalled, 'stalled'],
    [s.won, 'won'],
    [s.lost, 'lost'],
  ] as const;
  return {
    title: s.movementTitle,
    blocks: [
      text(s.movementIntro),
      table(
        [' ', s.thisWeek, s.lastWeek],
        fields.map(([label, k]) => [label, cell(d.thisWeek[k]), cell(d.lastWeek[k])]),
        [1, 2],
      ),
    ],
  };
}

function movingSection(
  d: WeeklyReportData,
  s: WeeklyStrings,
  f: ReturnType<typeof formatters>,
): ContentSection {
  const now = d.thisWeek;
  const blocks: ContentBlock[] = [
    text(
      now.stalledNow.count > 0
        ? s.stalledNow(now.stalledNow.count, f.money(now.stalledNow.amount))
        : s.noneStalled,
    ),
  ];
  if (d.stalledDeals.length > 0) {
    blocks.push(text(s.stalledListTitle));
    blocks.push(
      table(
        [s.deal, s.account, s.owner, s.stage, s.daysInStage, s.escalation, s.amount],
        d.stalledDeals.map((x) => [
          x.name,
          x.account,
          x.ownerName,
          f.milestone(x.milestone),
          String(x.daysInStage),
          s.escalationLevel(x.escalationLevel),
          f.money(x.amount),
        ]),
        [4, 6],
      ),
    );
    if (now.stalledNow.count > d.stalledDeals.length)
      blocks.push(text(s.stalledMore(now.stalledNow.count - d.stalledDeals.length)));
  }
  const trailing = d.trailing.movement;
  blocks.push(text(s.velocityTitle(TRAILING_DAYS)));
  blocks.push(
    table(
      [
        s.milestone,
        s.openDeals,
        s.avgDaysInStage,
        s.stalled,
        s.transitions,
        s.avgDaysToMove,
        s.slaBreachRate,
      ],
      // The movement report's milestones, matched by key (every version's, in the report's order).
      now.daysInStage.map((stage) => {
        const v = trailing.velocity.find((x) => x.key === stage.key);
        const sla = trailing.slaBreaches.find((x) => x.key === stage.key);
        return [
          f.milestone(stage.key),
          String(stage.open),
          f.num(stage.avgDays),
          String(stage.stalled),
          String(v?.transitions ?? 0),
          f.num(v?.avgDays ?? null),
          f.pct(sla?.rate ?? null),
        ];
      }),
      [1, 2, 3, 4, 5, 6],
    ),
  );
  return { title: s.q2, blocks };
}

function bottleneckSection(
  d: WeeklyReportData,
  s: WeeklyStrings,
  f: ReturnType<typeof formatters>,
): ContentSection {
  const b = d.trailing.bottlenecks;
  const blocks: ContentBlock[] = [
    text(s.q3Intro({ days: TRAILING_DAYS, marginPct: b.marginPct, minSample: b.minSample })),
  ];
  if (b.flagged.length === 0) blocks.push(text(s.noBottleneck));
  else {
    blocks.push(
      table(
        [s.rep, s.step, s.repRate, s.teamRate, s.gap],
        b.flagged.map((x) => [
          x.name,
          `${f.milestone(x.from)} → ${f.milestone(x.to)}`,
          `${f.pct(x.rate)} (${x.advanced}/${x.entered})`,
          f.pct(x.teamRate),
          s.points(x.gapPct),
        ]),
        [2, 3, 4],
      ),
    );
  }
  return { title: s.q3, blocks };
}

export function weeklyReportContent(d: WeeklyReportData): WeeklyReportContent {
  const locale = d.recipient.locale;
  const s = WEEKLY_STRINGS[locale];
  const f = formatters(locale);
  const weekDays = days(d.week);
  return {
    locale,
    subject: s.subject(d.isoWeek, weekDays),
    heading: s.heading(d.isoWeek),
    greeting: s.greeting(d.recipient.name),
    intro: s.intro(weekDays, d.teamSize),
    sections: [
      planSection(d, s, f),
      movementSection(d, s, f),
      movingSection(d, s, f),
      bottleneckSection(d, s, f),
      ...(d.customers ? [customerSection(d.customers, locale)] : []),
    ],
    footer: s.footer,
  };
}
