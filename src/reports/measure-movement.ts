// Are deals moving? What the workflows did in the period (created, advanced, stalled = the stage
// SLA was breached, won, lost: distinct deals each), how long open deals have sat in their stage
// now, how long each milestone took to leave (velocity), how often a milestone's SLA was
// breached, and how long approvals waited.
import type { ApprovalFacts } from '../contracts/activities';
import {
  MOVEMENT_EVENTS,
  approvalsDecidedSql,
  approvalsPendingSql,
  milestoneStatsSql,
  movementCountsSql,
  openStagesSql,
} from './movement-queries';
import { reportMilestones, type ReportMilestone } from './report-milestones';
import { cents, oneDecimal, ratio, reportQuery, type QueryScope, type ReportOptions } from './report-scope';
import {
  approvalsDecidedRollupSql,
  milestoneStatsRollupSql,
  movementCountsRollupSql,
  openStagesRollupSql,
  rollupsApply,
  wholeDays,
} from './rollups/rollup-queries';
import type { TMovementReport } from './schemas';

export type MovementReport = Omit<TMovementReport, 'scope'>;
export interface MovementOptions extends ReportOptions {
  /** "Now" for days in stage and pending approvals; default the current time. */
  asOf?: Date;
}

type MovementField = keyof typeof MOVEMENT_EVENTS;
type Money = { count: number; amount: number };

const APPROVAL_KINDS = [
  'milestone_gate',
  'skip_milestone',
  'discount',
] as const satisfies readonly ApprovalFacts['kind'][];

const companyDays = (scope: QueryScope) =>
  scope.scopeUserIds === null && rollupsApply(scope) ? wholeDays(scope) : null;

/** Each movement query: the rollups for the whole company over whole local days, else the raw SQL. */
export function movementQueries(scope: QueryScope, asOf: Date) {
  const days = companyDays(scope);
  const company = scope.scopeUserIds === null && rollupsApply(scope);
  return {
    movementCounts: days ? movementCountsRollupSql(days) : movementCountsSql(scope),
    openStages: company ? openStagesRollupSql(asOf) : openStagesSql(scope, asOf),
    milestoneStats: days ? milestoneStatsRollupSql(days) : milestoneStatsSql(scope),
    approvalsDecided: days ? approvalsDecidedRollupSql(days, APPROVAL_KINDS) : approvalsDecidedSql(scope),
    approvalsPending: approvalsPendingSql(scope, asOf),
  };
}

/** Milestones by key (issue 17), listed in the report's order: every version's, the latest's first. */
const milestoneRef = (m: ReportMilestone) => ({ key: m.key, index: m.index });

async function countMovement(options: ReportOptions): Promise<Record<MovementField, Money>> {
  const rows = await reportQuery<{ type: string; count: number; amount: number }>(
    options.prisma,
    movementQueries(options, new Date()).movementCounts,
  );
  const byType = new Map(rows.map((r) => [r.type, r]));
  const entries = (Object.keys(MOVEMENT_EVENTS) as MovementField[]).map((field) => {
    const row = byType.get(MOVEMENT_EVENTS[field]);
    return [field, { count: row?.count ?? 0, amount: cents(row?.amount ?? 0) }] as const;
  });
  return Object.fromEntries(entries) as Record<MovementField, Money>;
}

async function openDealsByStage(options: ReportOptions, asOf: Date) {
  type Row = {
    milestone: string;
    open: number;
    stalled: number;
    stalledAmount: number;
    avgDays: number;
    maxDays: number;
  };
  const rows = await reportQuery<Row>(options.prisma, movementQueries(options, asOf).openStages);
  const byKey = new Map(rows.map((r) => [r.milestone, r]));
  const stages = reportMilestones().map((m) => {
    const r = byKey.get(m.key);
    return {
      ...milestoneRef(m),
      open: r?.open ?? 0,
      stalled: r?.stalled ?? 0,
      avgDays: r ? oneDecimal(Math.max(0, r.avgDays)) : null,
      // Whole days, as the workflow counts them in its emails.
      maxDays: r ? Math.max(0, Math.floor(r.maxDays)) : null,
    };
  });
  const stalledNow = {
    count: rows.reduce((s, r) => s + r.stalled, 0),
    amount: cents(rows.reduce((s, r) => s + r.stalledAmount, 0)),
  };
  return { stages, stalledNow };
}

async function measureMilestones(options: ReportOptions) {
  type Row = {
    milestone: string;
    entered: number;
    breached: number;
    transitions: number;
    avgDays: number | null;
  };
  const rows = await reportQuery<Row>(options.prisma, movementQueries(options, new Date()).milestoneStats);
  const byKey = new Map(rows.map((r) => [r.milestone, r]));
  const velocity = reportMilestones().map((m) => {
    const r = byKey.get(m.key);
    const transitions = r?.transitions ?? 0;
    return {
      ...milestoneRef(m),
      transitions,
      avgDays: transitions > 0 && typeof r?.avgDays === 'number' ? oneDecimal(r.avgDays) : null,
    };
  });
  const slaBreaches = reportMilestones().map((m) => {
    const entered = byKey.get(m.key)?.entered ?? 0;
    const breached = byKey.get(m.key)?.breached ?? 0;
    // A milestone without an SLA (signing ends the sales clock) cannot breach one.
    const rate = m.stallSlaDays === null ? null : ratio(breached, entered);
    return { ...milestoneRef(m), slaDays: m.stallSlaDays, entered, breached, rate };
  });
  return { velocity, slaBreaches };
}

async function measureApprovalWait(options: ReportOptions, asOf: Date) {
  const [decided, pending] = await Promise.all([
    reportQuery<{ kind: string; decided: number; avgHours: number; maxHours: number }>(
      options.prisma,
      movementQueries(options, asOf).approvalsDecided,
    ),
    reportQuery<{ kind: string; pending: number; oldestHours: number }>(
      options.prisma,
      movementQueries(options, asOf).approvalsPending,
    ),
  ]);
  const decidedBy = new Map(decided.map((r) => [r.kind, r]));
  const pendingBy = new Map(pending.map((r) => [r.kind, r]));
  return APPROVAL_KINDS.map((kind) => {
    const d = decidedBy.get(kind);
    const p = pendingBy.get(kind);
    return {
      kind,
      decided: d?.decided ?? 0,
      avgHours: d ? oneDecimal(d.avgHours) : null,
      maxHours: d ? oneDecimal(d.maxHours) : null,
      pending: p?.pending ?? 0,
      oldestPendingHours: p ? oneDecimal(Math.max(0, p.oldestHours)) : null,
    };
  });
}

export async function measureMovement(options: MovementOptions): Promise<MovementReport> {
  const asOf = options.asOf ?? new Date();
  const [movement, open, { velocity, slaBreaches }, approvalWait] = await Promise.all([
    countMovement(options),
    openDealsByStage(options, asOf),
    measureMilestones(options),
    measureApprovalWait(options, asOf),
  ]);
  return {
    period: { from: options.from.toISOString(), to: options.to.toISOString() },
    asOf: asOf.toISOString(),
    ...movement,
    stalledNow: open.stalledNow,
    daysInStage: open.stages,
    velocity,
    slaBreaches,
    approvalWait,
  };
}
