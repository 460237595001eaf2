// Every word of the weekly report, per locale, from the `weekly` catalog
// (src/i18n/locales/*/weekly.json). Sentences with numbers are functions so each language's
// message orders them naturally.
import { translator } from '../../i18n';
import type { TMailLocale } from '../../mail/locale';

export interface WeeklyStrings {
  subject(isoWeek: string, days: string): string;
  heading(isoWeek: string): string;
  greeting(name: string): string;
  intro(days: string, teamSize: number): string;
  q1: string;
  q1Summary(p: { planDays: string; elapsedPct: string; wonPct: string; coverage: string }): string;
  targetMet(p: { planDays: string; elapsedPct: string; wonPct: string }): string;
  noTarget: string;
  target: string;
  won: string;
  remaining: string;
  weighted: string;
  commit: string;
  bestCase: string;
  onHold: string;
  coverage: string;
  rep: string;
  /** Plan table rows: a direct report and their whole line. */
  teamOrRep: string;
  total: string;
  movementTitle: string;
  movementIntro: string;
  thisWeek: string;
  lastWeek: string;
  created: string;
  advanced: string;
  stalled: string;
  lost: string;
  deals(n: number): string;
  q2: string;
  stalledNow(n: number, amount: string): string;
  stalledListTitle: string;
  stalledMore(n: number): string;
  noneStalled: string;
  deal: string;
  account: string;
  owner: string;
  stage: string;
  daysInStage: string;
  escalation: string;
  amount: string;
  escalationLevel(level: number): string;
  velocityTitle(days: number): string;
  milestone: string;
  openDeals: string;
  avgDaysInStage: string;
  avgDaysToMove: string;
  transitions: string;
  slaBreachRate: string;
  q3: string;
  q3Intro(p: { days: number; marginPct: number; minSample: number }): string;
  noBottleneck: string;
  step: string;
  repRate: string;
  teamRate: string;
  gap: string;
  points(n: number): string;
  footer: string;
}

const LABELS = [
  'q1',
  'noTarget',
  'target',
  'won',
  'remaining',
  'weighted',
  'commit',
  'bestCase',
  'onHold',
  'coverage',
  'rep',
  'teamOrRep',
  'total',
  'movementTitle',
  'movementIntro',
  'thisWeek',
  'lastWeek',
  'created',
  'advanced',
  'stalled',
  'lost',
  'q2',
  'stalledListTitle',
  'noneStalled',
  'deal',
  'account',
  'owner',
  'stage',
  'daysInStage',
  'escalation',
  'amount',
  'milestone',
  'openDeals',
  'avgDaysInStage',
  'avgDaysToMove',
  'transitions',
  'slaBreachRate',
  'q3',
  'noBottleneck',
  'step',
  'repRate',
  'teamRate',
  'gap',
  'footer',
] as const satisfies ReadonlyArray<keyof WeeklyStrings>;

function weeklyStrings(locale: TMailLocale): WeeklyStrings {
  const t = translator(locale, 'weekly');
  const labels = Object.fromEntries(LABELS.map((key) => [key, t(key)])) as Record<
    (typeof LABELS)[number],
    string
  >;
  return {
    ...labels,
    subject: (isoWeek, days) => t('subject', { isoWeek, days }),
    heading: (isoWeek) => t('heading', { isoWeek }),
    greeting: (name) => t('greeting', { name }),
    intro: (days, count) => t('intro', { days, count }),
    q1Summary: (p) => t('q1Summary', p),
    targetMet: (p) => t('targetMet', p),
    deals: (count) => t('deals', { count }),
    stalledNow: (count, amount) => t('stalledNow', { count, amount }),
    stalledMore: (count) => t('stalledMore', { count }),
    escalationLevel: (level) =>
      t(`escalationLevel.${level >= 2 ? 'director' : level === 1 ? 'manager' : 'none'}`),
    velocityTitle: (days) => t('velocityTitle', { days }),
    q3Intro: (p) => t('q3Intro', p),
    points: (count) => t('points', { count }),
  };
}

export const WEEKLY_STRINGS: Record<TMailLocale, WeeklyStrings> = {
  'zh-CN': weeklyStrings('zh-CN'),
  en: weeklyStrings('en'),
};
