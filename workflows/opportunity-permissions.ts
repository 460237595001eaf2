// Who may act on a deal and who decides its approvals. The reporting line is the owner's chain
// of managers as the directory reported it when the deal started or changed owner.

import type { ReportingLine } from '../src/contracts/activities';
import type { Actor, ApprovalKind, ApprovalRecord, OpportunityState } from './opportunity-types';
import { PSM_PROCESS } from './psm-process';
import { refuse } from './opportunity-errors';
import { requireOneOf, requireText, TEXT_LIMITS } from './opportunity-input';

const ROLES = ['rep', 'manager', 'director', 'admin'] as const;

export function requireActor(actor: unknown): Actor {
  if (typeof actor !== 'object' || actor === null) refuse('INVALID_INPUT', 'actor is required');
  const { userId, role } = actor as Partial<Actor>;
  requireText(userId, 'actor.userId', TEXT_LIMITS.name);
  requireOneOf(role, ROLES, 'actor.role');
  return actor as Actor;
}

/** The owning rep, anyone above them, or an admin. */
export function requireMayAct(state: OpportunityState, actor: Actor): void {
  if (actor.role === 'admin' || actor.userId === state.ownerId) return;
  if (state.reportingLine === null) {
    refuse('SERVICE_UNAVAILABLE', 'the owner’s reporting line is still being looked up; retry in a moment');
  }
  if (!state.reportingLine.chain.includes(actor.userId)) {
    refuse(
      'FORBIDDEN',
      `${actor.userId} is neither the owner of this deal, in the owner’s management chain, nor an admin`,
    );
  }
}

/** The approver, anyone above the approver in the owner's chain, or an admin. */
export function requireMayDecide(state: OpportunityState, actor: Actor, approval: ApprovalRecord): void {
  if (actor.role === 'admin' || actor.userId === approval.approverId) return;
  const chain = state.reportingLine?.chain ?? [];
  const approverRank = chain.indexOf(approval.approverId);
  const actorRank = chain.indexOf(actor.userId);
  if (approverRank >= 0 && actorRank > approverRank) return;
  refuse(
    'NOT_APPROVER',
    `approval ${approval.id} is decided by ${approval.approverId} or someone above them`,
  );
}

/**
 * Milestone gates and discounts go to the owner's manager, or to the director at or above the
 * amount threshold; skipping a milestone goes to the manager unless the skipped milestone has a
 * gate (a skip must not be a cheaper way round the gate). Falls back along the chain when a level
 * is missing; null when nobody is above the owner.
 */
export function approverFor(
  kind: ApprovalKind,
  gatedMilestone: boolean,
  dealAmount: number,
  line: ReportingLine,
): string | null {
  const bigDeal = dealAmount >= PSM_PROCESS.approvals.directorFromAmount;
  const directorDecides = bigDeal && (kind !== 'skip_milestone' || gatedMilestone);
  if (directorDecides) return line.directorId ?? line.managerId;
  return line.managerId ?? line.directorId;
}

/** Whom an overdue approval is escalated to: the next person above the approver. */
export function approverManager(state: OpportunityState, approverId: string): string | null {
  const chain = state.reportingLine?.chain ?? [];
  const rank = chain.indexOf(approverId);
  return rank >= 0 ? (chain[rank + 1] ?? null) : null;
}
