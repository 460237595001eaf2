// The opportunity's state and the facts derived from it. Deterministic: the current time is
// always passed in, ids come from the caller, nothing here touches the outside world.

import type { DealFacts, OpportunitySnapshot, ProjectionEvent } from '../src/contracts/activities';
import type { CommandResult, OpportunityStartInput, OpportunityState, RuleSet } from './opportunity-types';
import { PSM_PROCESS, isSponsorOrBetter, type SalesMilestoneDefinition } from './psm-process';
import { definitionOf, milestoneIn, milestoneIndexIn } from './process-versions';
import { refuse } from './opportunity-errors';
import { ltcSnapshot } from './opportunity-ltc-facts';
import { requireAmount, requireText, requireTime, TEXT_LIMITS } from './opportunity-input';

/** Events kept in state (and so in getState); older ones live in the read model's journal. */
export const MAX_EVENTS_IN_STATE = 200;
/** Request ids remembered for idempotency; far more than any client retries within. */
export const MAX_REMEMBERED_REQUESTS = 500;

const DAY_MS = 24 * 60 * 60 * 1000;

export const iso = (ms: number): string => new Date(ms).toISOString();

/** What a state transition needs from its surroundings. */
export interface TransitionContext {
  now: number;
  /** Deterministic unique ids (workflow uuid4 in production, a counter in unit tests). */
  newId: () => string;
  /** The rule changes this run follows; absent means none (the first rules). */
  rules?: RuleSet;
}

export function createInitialState(input: OpportunityStartInput, now: number): OpportunityState {
  requireText(input.id, 'id', TEXT_LIMITS.name);
  requireText(input.name, 'name', TEXT_LIMITS.name);
  requireText(input.account, 'account', TEXT_LIMITS.name);
  requireAmount(input.amount, 'amount');
  requireText(input.currency, 'currency', 8);
  requireText(input.ownerId, 'ownerId', TEXT_LIMITS.name);
  requireText(input.createdBy?.userId, 'createdBy.userId', TEXT_LIMITS.name);
  if (input.expectedCloseDate !== undefined && input.expectedCloseDate !== null)
    requireTime(input.expectedCloseDate, 'expectedCloseDate');

  const at = iso(now);
  const state: OpportunityState = {
    id: input.id,
    name: input.name,
    account: input.account,
    amount: input.amount,
    currency: input.currency,
    ownerId: input.ownerId,
    expectedCloseDate: input.expectedCloseDate ?? null,
    createdAt: at,
    createdById: input.createdBy.userId,
    reportingLine: null,
    status: 'open',
    lostReason: null,
    holdReason: null,
    closedAt: null,
    executionCompletedAt: null,
    reachedIndex: -1,
    stageEnteredAt: at,
    stageVisit: 1,
    milestones: {},
    checklist: {},
    stakeholders: [],
    approvals: [],
    lastActivityAt: null,
    followUp: { anchor: at, sent: 0 },
    stall: { anchor: at, level: 0 },
    contractWindow: null,
    outbox: [],
    events: [],
    seq: 0,
    projectedSeq: 0,
    recentRequests: [],
  };
  appendEvent(state, now, 'created', input.createdBy.userId, {});
  return state;
}

export function appendEvent(
  state: OpportunityState,
  now: number,
  type: string,
  actorId: string | null,
  payload: Record<string, unknown>,
): ProjectionEvent {
  state.seq += 1;
  const event: ProjectionEvent = { seq: state.seq, type, actorId, occurredAt: iso(now), payload };
  state.events.push(event);
  trimEvents(state);
  return event;
}

/** Keeps the newest events, but never drops one the read model has not acknowledged yet. */
function trimEvents(state: OpportunityState): void {
  const excess = state.events.length - MAX_EVENTS_IN_STATE;
  if (excess <= 0) return;
  let droppable = 0;
  while (droppable < excess && (state.events[droppable]?.seq ?? Infinity) <= state.projectedSeq)
    droppable += 1;
  if (droppable > 0) state.events.splice(0, droppable);
}

export function markProjected(state: OpportunityState, upToSeq: number): void {
  state.projectedSeq = Math.max(state.projectedSeq, upToSeq);
  trimEvents(state);
}

export function unprojectedEvents(state: OpportunityState): ProjectionEvent[] {
  return state.events.filter((event) => event.seq > state.projectedSeq);
}

// ---- idempotency ------------------------------------------------------------------------

export function rememberedResult(state: OpportunityState, requestId: string): CommandResult | undefined {
  return state.recentRequests.find((entry) => entry.requestId === requestId)?.result;
}

export function rememberResult(state: OpportunityState, result: CommandResult): void {
  state.recentRequests.push({ requestId: result.requestId, result });
  if (state.recentRequests.length > MAX_REMEMBERED_REQUESTS) {
    state.recentRequests.splice(0, state.recentRequests.length - MAX_REMEMBERED_REQUESTS);
  }
}

// ---- derived facts ------------------------------------------------------------------------

/** The milestone the deal is at: the last one reached, or project_initiation while applying for it. */
export function stageIndex(state: Pick<OpportunityState, 'reachedIndex'>): number {
  return Math.max(state.reachedIndex, 0);
}

export function stageMilestone(
  state: Pick<OpportunityState, 'reachedIndex' | 'processVersion'>,
): SalesMilestoneDefinition {
  const milestone = milestoneIn(definitionOf(state), stageIndex(state));
  if (!milestone) return refuse('INTERNAL', `no milestone at index ${stageIndex(state)}`);
  return milestone;
}

export function nextMilestone(state: OpportunityState): SalesMilestoneDefinition | undefined {
  return milestoneIn(definitionOf(state), state.reachedIndex + 1);
}

/** Win % of the last milestone reached; a lost deal weighs nothing in the pipeline until reopened. */
export function probability(state: OpportunityState): number {
  if (state.status === 'won') return 100;
  if (state.status === 'lost') return 0;
  return milestoneIn(definitionOf(state), state.reachedIndex)?.winPct ?? 0;
}

export function noSponsorWarning(state: OpportunityState): boolean {
  if (state.status === 'lost') return false;
  const from = milestoneIndexIn(definitionOf(state), PSM_PROCESS.noSponsorWarning.fromMilestone);
  if (state.reachedIndex < from) return false;
  return !state.stakeholders.some((stakeholder) => isSponsorOrBetter(stakeholder.stance));
}

export function escalationLevel(state: OpportunityState): number {
  const contractLevel = state.contractWindow?.escalated ? 1 : 0;
  return Math.max(state.stall.level, contractLevel);
}

export function isStalled(state: OpportunityState): boolean {
  return state.status === 'open' && state.stall.level > 0;
}

export function latestApproval(
  state: OpportunityState,
  kind: 'milestone_gate' | 'skip_milestone',
  milestone: string,
) {
  for (let i = state.approvals.length - 1; i >= 0; i -= 1) {
    const approval = state.approvals[i];
    if (approval && approval.kind === kind && approval.milestone === milestone) return approval;
  }
  return undefined;
}

/** Keys of the next milestone's criteria (and its approval gate) that are not met yet. */
export function missingCriteria(state: OpportunityState): string[] {
  const next = nextMilestone(state);
  if (!next || state.status === 'won') return [];
  const missing = next.criteria.map((criterion) => criterion.key);
  if (next.approvalGate && latestApproval(state, 'milestone_gate', next.key)?.status !== 'approved') {
    missing.push(next.approvalGate.key);
  }
  // A process migration can leave criteria owed at the next completion.
  for (const key of state.owedCriteria?.keys ?? []) if (!missing.includes(key)) missing.push(key);
  return missing;
}

export function daysInStage(state: OpportunityState, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(state.stageEnteredAt)) / DAY_MS));
}

export function dealFacts(state: OpportunityState, now: number): DealFacts {
  const stage = stageMilestone(state);
  return {
    opportunityId: state.id,
    name: state.name,
    account: state.account,
    amount: state.amount,
    currency: state.currency,
    ownerId: state.ownerId,
    milestone: stage.key,
    milestoneIndex: stageIndex(state),
    daysInStage: daysInStage(state, now),
    lastActivityAt: state.lastActivityAt,
    missingCriteria: missingCriteria(state),
    noSponsorWarning: noSponsorWarning(state),
  };
}

export function snapshot(state: OpportunityState): OpportunitySnapshot {
  return {
    id: state.id,
    name: state.name,
    account: state.account,
    amount: state.amount,
    currency: state.currency,
    ownerId: state.ownerId,
    milestone: stageMilestone(state).key,
    milestoneIndex: stageIndex(state),
    probability: probability(state),
    status: state.status,
    expectedCloseDate: state.expectedCloseDate,
    stageEnteredAt: state.stageEnteredAt,
    lastActivityAt: state.lastActivityAt,
    escalationLevel: escalationLevel(state),
    stalled: isStalled(state),
    noSponsorWarning: noSponsorWarning(state),
    lostReason: state.lostReason,
    createdAt: state.createdAt,
    closedAt: state.closedAt,
    seq: state.seq,
    // LTC runs carry their team, plan, handover and closing summary; older runs project as before.
    ...(state.team === undefined ? {} : { ltc: ltcSnapshot(state) }),
    ...(state.processVersion === undefined ? {} : { processVersion: state.processVersion }),
  };
}

// ---- shared transitions ---------------------------------------------------------------------

/** Milestone progress or a reopen: a fresh stage visit restarts every stage clock. */
export function enterStage(state: OpportunityState, now: number): void {
  const at = iso(now);
  state.stageEnteredAt = at;
  state.stageVisit += 1;
  state.stall = { anchor: at, level: 0 };
  state.followUp.anchor = at;
}

/** Withdraws pending approvals that no longer matter (their milestone passed, or the deal closed). */
export function cancelPendingApprovals(
  state: OpportunityState,
  now: number,
  actorId: string | null,
  shouldCancel: (approval: OpportunityState['approvals'][number]) => boolean,
): void {
  for (const approval of state.approvals) {
    if (approval.status !== 'pending' || !shouldCancel(approval)) continue;
    approval.status = 'cancelled';
    approval.decidedAt = iso(now);
    appendEvent(state, now, 'approval_decided', actorId, {
      approvalId: approval.id,
      decision: 'cancelled',
      comment: null,
    });
  }
}
