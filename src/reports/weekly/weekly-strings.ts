// Every word of the weekly report, per locale. Sentences with numbers are functions so each
// language can order them naturally.
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

const zh: WeeklyStrings = {
  subject: (w, days) => `【销售项目周报】${w}（${days}）`,
  heading: (w) => `销售项目周报 · ${w}`,
  greeting: (name) => `${name}，您好：`,
  intro: (days, n) => `以下是您团队（共 ${n} 人）${days} 这一周的销售进展。`,
  q1: '一、管道是否足以完成目标？',
  q1Summary: (p) =>
    `计划期 ${p.planDays} 已过去 ${p.elapsedPct}，已完成目标的 ${p.wonPct}；加权管道对剩余目标的覆盖率为 ${p.coverage}。`,
  targetMet: (p) => `计划期 ${p.planDays} 已过去 ${p.elapsedPct}，目标已经完成（已完成 ${p.wonPct}）。`,
  noTarget: '本计划期尚未设定目标。',
  target: '目标',
  won: '已赢单',
  remaining: '剩余目标',
  weighted: '加权管道',
  commit: '承诺（商务突破及以后）',
  bestCase: '最佳情况（其余）',
  onHold: '暂停中',
  coverage: '覆盖率',
  rep: '销售',
  teamOrRep: '团队 / 销售',
  total: '合计',
  movementTitle: '本周进展（与上周对比）',
  movementIntro: '按商机计数；金额为商机当前金额。',
  thisWeek: '本周',
  lastWeek: '上周',
  created: '新建',
  advanced: '推进',
  stalled: '停滞（超过阶段时限）',
  lost: '丢单',
  deals: (n) => `${n} 个`,
  q2: '二、商机是否在推进？',
  stalledNow: (n, amount) => `目前有 ${n} 个商机处于停滞状态，金额合计 ${amount}。`,
  stalledListTitle: '停滞商机清单（停留最久的在前）',
  stalledMore: (n) => `另有 ${n} 个停滞商机未列出。`,
  noneStalled: '目前没有停滞的商机。',
  deal: '商机',
  account: '客户',
  owner: '负责人',
  stage: '阶段',
  daysInStage: '本阶段天数',
  escalation: '升级',
  amount: '金额',
  escalationLevel: (l) => (l >= 2 ? '总监' : l === 1 ? '经理' : '—'),
  velocityTitle: (d) => `各里程碑速度（近 ${d} 天）与当前停留`,
  milestone: '里程碑',
  openDeals: '在途商机',
  avgDaysInStage: '平均已停留天数',
  avgDaysToMove: '平均推进天数',
  transitions: '推进次数',
  slaBreachRate: '超时率',
  q3: '三、是否有销售成为瓶颈？',
  q3Intro: (p) =>
    `近 ${p.days} 天各销售在相邻里程碑之间的转化率与团队对比；低于团队 ${p.marginPct} 个百分点且样本不少于 ${p.minSample} 个的会被标出。`,
  noBottleneck: '没有销售明显低于团队水平。',
  step: '环节',
  repRate: '个人转化率',
  teamRate: '团队转化率',
  gap: '差距',
  points: (n) => `${n} 个百分点`,
  footer: '此邮件由 PSM 销售进程系统每周自动发送，请勿直接回复。',
};

const en: WeeklyStrings = {
  subject: (w, days) => `Weekly sales report ${w} (${days})`,
  heading: (w) => `Weekly sales report · ${w}`,
  greeting: (name) => `Hello ${name},`,
  intro: (days, n) =>
    `Here is how your team (${n} ${n === 1 ? 'person' : 'people'}) did in the week ${days}.`,
  q1: '1. Is there enough pipeline for the target?',
  q1Summary: (p) =>
    `The plan period ${p.planDays} is ${p.elapsedPct} through and ${p.wonPct} of the target is won; the weighted pipeline covers the remaining target ${p.coverage}.`,
  targetMet: (p) =>
    `The plan period ${p.planDays} is ${p.elapsedPct} through and the target is met (${p.wonPct} won).`,
  noTarget: 'No target is set for this plan period.',
  target: 'Target',
  won: 'Won',
  remaining: 'Remaining target',
  weighted: 'Weighted pipeline',
  commit: 'Commit (business breakthrough on)',
  bestCase: 'Best case (the rest)',
  onHold: 'On hold',
  coverage: 'Coverage',
  rep: 'Rep',
  teamOrRep: 'Team / rep',
  total: 'Total',
  movementTitle: 'This week (against last week)',
  movementIntro: 'Counted in deals; amounts are the deals’ current amounts.',
  thisWeek: 'This week',
  lastWeek: 'Last week',
  created: 'New',
  advanced: 'Advanced',
  stalled: 'Stalled (stage time limit passed)',
  lost: 'Lost',
  deals: (n) => `${n} ${n === 1 ? 'deal' : 'deals'}`,
  q2: '2. Are deals moving?',
  stalledNow: (n, amount) =>
    `${n} ${n === 1 ? 'deal is' : 'deals are'} stalled right now, worth ${amount} in total.`,
  stalledListTitle: 'Stalled deals (longest in stage first)',
  stalledMore: (n) => `${n} more stalled ${n === 1 ? 'deal is' : 'deals are'} not listed.`,
  noneStalled: 'No deal is stalled right now.',
  deal: 'Deal',
  account: 'Account',
  owner: 'Owner',
  stage: 'Stage',
  daysInStage: 'Days in stage',
  escalation: 'Escalated to',
  amount: 'Amount',
  escalationLevel: (l) => (l >= 2 ? 'director' : l === 1 ? 'manager' : '—'),
  velocityTitle: (d) => `Velocity per milestone (last ${d} days) and where open deals sit`,
  milestone: 'Milestone',
  openDeals: 'Open deals',
  avgDaysInStage: 'Avg days in stage so far',
  avgDaysToMove: 'Avg days to move on',
  transitions: 'Moves',
  slaBreachRate: 'SLA breach rate',
  q3: '3. Is one rep the bottleneck?',
  q3Intro: (p) =>
    `Each rep’s conversion between consecutive milestones over the last ${p.days} days against the team’s; reps ${p.marginPct} points or more below the team, on at least ${p.minSample} deals, are listed.`,
  noBottleneck: 'No rep is clearly below the team.',
  step: 'Step',
  repRate: 'Rep conversion',
  teamRate: 'Team conversion',
  gap: 'Gap',
  points: (n) => `${n} points`,
  footer:
    'Sent automatically every week by PSM sales-process orchestration. Please do not reply to this message.',
};

export const WEEKLY_STRINGS: Record<TMailLocale, WeeklyStrings> = { 'zh-CN': zh, en };
