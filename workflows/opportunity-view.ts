// What the getState query returns: the state joined with the process definition, so the API and
// the web page can show it as is (labels in 中文 and English included).

import type { ApprovalFacts, ProjectionEvent, ReportingLine } from '../src/contracts/activities';
import type {
  ApprovalRecord,
  MilestoneRecord,
  OpportunityState,
  OpportunityStatus,
  Stakeholder,
} from './opportunity-types';
import { definitionOf, versionOf } from './process-versions';
import {
  type Bilingual,
  type CriteriaRule,
  type KeyedLabel,
  type SalesMilestoneDefinition,
} from './psm-process';
import {
  daysInStage,
  escalationLevel,
  isStalled,
  latestApproval,
  nextMilestone,
  noSponsorWarning,
  probability,
  stageIndex,
  stageMilestone,
} from './opportunity-state';
import { timersView } from './opportunity-timers';
import { ltcView, type LtcView } from './opportunity-ltc-view';
import { approvalFacts } from './opportunity-notifications';

export interface ChecklistItemView {
  key: string;
  label: Bilingual;
  done: boolean;
  at: string | null;
  byId: string | null;
}

export interface MilestoneView {
  key: string;
  index: number;
  name: Bilingual;
  winPct: number;
  buyerStage: Bilingual;
  rule: CriteriaRule;
  progress: 'reached' | 'skipped' | 'next' | 'upcoming';
  reachedAt: string | null;
  criteria: { key: string; label: Bilingual; met: boolean }[];
  approvalGate: {
    key: string;
    label: Bilingual;
    approvalId: string | null;
    status: ApprovalRecord['status'] | null;
  } | null;
  evidence: string | null;
  links: string[];
  checklist: ChecklistItemView[];
}

export interface ApprovalView extends ApprovalFacts {
  decidedAt: string | null;
  chaseLevel: number;
}

export interface OpportunityView {
  id: string;
  /** The process version the deal runs on (workflows/process-versions.ts). */
  processVersion: number;
  /** Criteria a process migration left owed at the next milestone completion; null when none. */
  owedCriteria: { milestone: string; keys: string[] } | null;
  name: string;
  account: string;
  amount: number;
  currency: string;
  ownerId: string;
  expectedCloseDate: string | null;
  createdAt: string;
  createdById: string;
  status: OpportunityStatus;
  lostReason: string | null;
  holdReason: string | null;
  closedAt: string | null;
  /** The milestone the deal is at (project_initiation while applying for it). */
  milestone: string;
  milestoneIndex: number;
  /** Index of the last milestone actually reached; -1 before project_initiation. */
  reachedIndex: number;
  nextMilestone: string | null;
  probability: number;
  stageEnteredAt: string;
  daysInStage: number;
  lastActivityAt: string | null;
  escalationLevel: number;
  stalled: boolean;
  noSponsorWarning: boolean;
  milestones: MilestoneView[];
  execution: {
    key: string;
    name: Bilingual;
    open: boolean;
    completedAt: string | null;
    checklist: ChecklistItemView[];
  };
  stakeholders: Stakeholder[];
  approvals: ApprovalView[];
  pendingApprovals: ApprovalView[];
  /** Armed reminders and escalations, earliest first; empty unless the deal is open. */
  timers: ReturnType<typeof timersView>;
  /** The deal team, plan against actual, handover and closing summary (LTC runs); null before them. */
  ltc: LtcView | null;
  /** When the deal next wakes to check its clocks (never later than the earliest timer). */
  nextClockCheckAt: string | null;
  reportingLine: ReportingLine | null;
  seq: number;
  projectedSeq: number;
  /** The most recent events (at most 200), oldest first. */
  events: ProjectionEvent[];
}

function checklistView(
  state: OpportunityState,
  stepKey: string,
  items: readonly KeyedLabel[],
): ChecklistItemView[] {
  const ticks = state.checklist[stepKey as keyof OpportunityState['checklist']] ?? {};
  return items.map(({ key, label }) => {
    const tick = ticks[key];
    return { key, label, done: tick?.done ?? false, at: tick?.at ?? null, byId: tick?.byId ?? null };
  });
}

function milestoneView(
  state: OpportunityState,
  milestone: SalesMilestoneDefinition,
  index: number,
): MilestoneView {
  const record: MilestoneRecord | undefined =
    state.milestones[milestone.key as keyof OpportunityState['milestones']];
  const gate = milestone.approvalGate ? latestApproval(state, 'milestone_gate', milestone.key) : undefined;
  const progress =
    index <= state.reachedIndex
      ? record?.skipped
        ? 'skipped'
        : 'reached'
      : index === state.reachedIndex + 1
        ? 'next'
        : 'upcoming';
  return {
    key: milestone.key,
    index,
    name: milestone.name,
    winPct: milestone.winPct,
    buyerStage: milestone.buyerStage,
    rule: milestone.rule,
    progress,
    reachedAt: record?.reachedAt ?? null,
    criteria: milestone.criteria.map(({ key, label }) => ({
      key,
      label,
      met: record?.criteriaMet.includes(key) ?? false,
    })),
    approvalGate: milestone.approvalGate
      ? { ...milestone.approvalGate, approvalId: gate?.id ?? null, status: gate?.status ?? null }
      : null,
    evidence: record?.evidence ?? null,
    links: record?.links ?? [],
    checklist: checklistView(state, milestone.key, milestone.checklist),
  };
}

const approvalView = (approval: ApprovalRecord): ApprovalView => ({
  ...approvalFacts(approval),
  decidedAt: approval.decidedAt,
  chaseLevel: approval.chaseLevel,
});

export function toView(state: OpportunityState, now: number): OpportunityView {
  const definition = definitionOf(state);
  const { execution } = definition;
  const approvals = state.approvals.map(approvalView);
  return {
    id: state.id,
    processVersion: versionOf(state),
    owedCriteria: state.owedCriteria ?? null,
    name: state.name,
    account: state.account,
    amount: state.amount,
    currency: state.currency,
    ownerId: state.ownerId,
    expectedCloseDate: state.expectedCloseDate,
    createdAt: state.createdAt,
    createdById: state.createdById,
    status: state.status,
    lostReason: state.lostReason,
    holdReason: state.holdReason,
    closedAt: state.closedAt,
    milestone: stageMilestone(state).key,
    milestoneIndex: stageIndex(state),
    reachedIndex: state.reachedIndex,
    nextMilestone: state.status === 'won' ? null : (nextMilestone(state)?.key ?? null),
    probability: probability(state),
    stageEnteredAt: state.stageEnteredAt,
    daysInStage: daysInStage(state, now),
    lastActivityAt: state.lastActivityAt,
    escalationLevel: escalationLevel(state),
    stalled: isStalled(state),
    noSponsorWarning: noSponsorWarning(state),
    milestones: definition.milestones.map((m, i) => milestoneView(state, m, i)),
    execution: {
      key: execution.key,
      name: execution.name,
      open: state.status === 'won',
      completedAt: state.executionCompletedAt,
      checklist: checklistView(state, execution.key, execution.checklist),
    },
    stakeholders: state.stakeholders,
    approvals,
    pendingApprovals: approvals.filter((a) => a.status === 'pending'),
    timers: timersView(state).sort((a, b) => a.dueAt.localeCompare(b.dueAt)),
    ltc: state.team === undefined ? null : ltcView(state),
    nextClockCheckAt: state.clockCheckAt ?? null,
    reportingLine: state.reportingLine,
    seq: state.seq,
    projectedSeq: state.projectedSeq,
    events: state.events,
  };
}
