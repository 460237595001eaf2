// Asking for and deciding approvals: milestone gates, milestone skips and discounts.

import type {
  ApprovalRecord,
  DecideApprovalCommand,
  OpportunityState,
  RequestApprovalCommand,
  RuleSet,
} from '../opportunity-types';
import { definitionOf, lastMilestoneIndexIn, milestoneIn, milestoneIndexIn } from '../process-versions';
import { refuse, refuseReportingLinePending } from '../opportunity-errors';
import { optionalText, requireAmount, requireOneOf, requireText } from '../opportunity-input';
import { appendEvent, iso, latestApproval } from '../opportunity-state';
import { approverFor, approverForRequest, requireMayDecide } from '../opportunity-permissions';
import { queueNotification } from '../opportunity-notifications';
import { FIRST_RULES, requireStatus, type CommandSpec } from './command-spec';

const APPROVAL_KINDS = ['milestone_gate', 'skip_milestone', 'discount'] as const;

function requireUnreachedMilestone(state: OpportunityState, key: unknown, kind: string) {
  const def = definitionOf(state);
  const index = typeof key === 'string' ? milestoneIndexIn(def, key) : -1;
  const milestone = milestoneIn(def, index);
  if (!milestone) refuse('INVALID_INPUT', `${kind} needs a known milestone, got ${String(key)}`);
  if (index <= state.reachedIndex) refuse('MILESTONE_OUT_OF_ORDER', `${milestone.key} was already reached`);
  return { index, milestone };
}

function refuseIfAlreadyAsked(approval: ApprovalRecord | undefined, what: string): void {
  if (approval?.status === 'pending') {
    refuse('APPROVAL_PENDING', `${what} already waits for approval ${approval.id}`, {
      approvalId: approval.id,
    });
  }
  if (approval?.status === 'approved') refuse('CONFLICT', `${what} is already approved (${approval.id})`);
}

function isGated(state: OpportunityState, milestone: string | null | undefined): boolean {
  const def = definitionOf(state);
  return (
    milestone !== undefined &&
    milestone !== null &&
    (milestoneIn(def, milestoneIndexIn(def, milestone))?.approvalGate ?? null) !== null
  );
}

/**
 * Who decides a request of `kind` asked by `requesterId` on the deal as it is now; null if nobody
 * may. With the authorization rules never the requester (see approverForRequest).
 */
export function currentApprover(
  state: OpportunityState,
  request: { kind: ApprovalRecord['kind']; milestone?: string | null; requestedById: string },
  rules: RuleSet,
): string | null {
  if (state.reportingLine === null) return null;
  const gated = isGated(state, request.milestone);
  return rules.authorization
    ? approverForRequest(request.kind, gated, state.amount, state.reportingLine, request.requestedById)
    : approverFor(request.kind, gated, state.amount, state.reportingLine);
}

/** Who decides this request, or a refusal explaining why nobody can. */
function resolveApprover(state: OpportunityState, command: RequestApprovalCommand, rules: RuleSet): string {
  if (state.reportingLine === null) {
    refuseReportingLinePending();
  }
  const approverId = currentApprover(
    state,
    { kind: command.kind, milestone: command.milestone, requestedById: command.actor.userId },
    rules,
  );
  if (approverId === null) {
    refuse(
      'RULE_REFUSED',
      rules.authorization
        ? `nobody above ${command.actor.userId} in the reporting line, and no admin, can approve this`
        : `nobody is above ${state.ownerId} in the reporting line to approve this`,
    );
  }
  return approverId;
}

/** A new pending approval, journalled, with its request email to the approver queued. */
export function openApproval(
  state: OpportunityState,
  now: number,
  actorId: string,
  request: Pick<
    ApprovalRecord,
    'id' | 'kind' | 'milestone' | 'amount' | 'reason' | 'requestedById' | 'approverId'
  >,
): ApprovalRecord {
  const approval: ApprovalRecord = {
    ...request,
    requestedAt: iso(now),
    status: 'pending',
    decidedById: null,
    comment: null,
    decidedAt: null,
    chaseLevel: 0,
    chaseAnchor: iso(now),
  };
  state.approvals.push(approval);
  appendEvent(state, now, 'approval_requested', actorId, {
    approvalId: approval.id,
    kind: approval.kind,
    milestone: approval.milestone,
    approverId: approval.approverId,
    amount: approval.amount,
    reason: approval.reason,
  });
  queueNotification(state, now, {
    key: `${state.id}:approval:${approval.id}:request`,
    template: 'approval_request',
    recipientUserId: approval.approverId,
    approval,
    escalationKind: null,
  });
  return approval;
}

export const requestApproval: CommandSpec<RequestApprovalCommand> = {
  validate(state, command, _now, rules = FIRST_RULES) {
    requireStatus(state, ['open'], 'request an approval');
    const kind = requireOneOf(command.kind, APPROVAL_KINDS, 'kind');
    requireText(command.reason, 'reason');
    if (kind === 'milestone_gate') {
      const { milestone } = requireUnreachedMilestone(state, command.milestone, kind);
      if (!milestone.approvalGate) refuse('RULE_REFUSED', `${milestone.key} has no approval gate`);
      refuseIfAlreadyAsked(latestApproval(state, kind, milestone.key), `the ${milestone.key} gate`);
    } else if (kind === 'skip_milestone') {
      const { index, milestone } = requireUnreachedMilestone(state, command.milestone, kind);
      if (index === lastMilestoneIndexIn(definitionOf(state)))
        refuse('RULE_REFUSED', `${milestone.key} cannot be skipped: it is how a deal is won`);
      refuseIfAlreadyAsked(latestApproval(state, kind, milestone.key), `skipping ${milestone.key}`);
    } else {
      requireAmount(command.amount, 'amount');
      const pending = state.approvals.find((a) => a.kind === 'discount' && a.status === 'pending');
      if (pending)
        refuse('APPROVAL_PENDING', `a discount already waits for approval ${pending.id}`, {
          approvalId: pending.id,
        });
    }
    resolveApprover(state, command, rules);
  },

  apply(state, command, { now, newId, rules = FIRST_RULES }) {
    const approverId = resolveApprover(state, command, rules);
    const approval = openApproval(state, now, command.actor.userId, {
      id: newId(),
      kind: command.kind,
      milestone: command.kind === 'discount' ? null : (command.milestone ?? null),
      amount: command.kind === 'discount' ? (command.amount ?? null) : null,
      reason: command.reason,
      requestedById: command.actor.userId,
      approverId,
    });
    return { changed: true, approvalId: approval.id };
  },
};

export const decideApproval: CommandSpec<DecideApprovalCommand> = {
  validate(state, command, _now, rules = FIRST_RULES) {
    requireStatus(state, ['open', 'on_hold'], 'decide an approval');
    const approval = state.approvals.find((a) => a.id === command.approvalId);
    if (!approval) refuse('UNKNOWN_APPROVAL', `this deal has no approval ${String(command.approvalId)}`);
    if (approval.status !== 'pending') {
      refuse('ALREADY_DECIDED', `approval ${approval.id} is already ${approval.status}`, {
        status: approval.status,
      });
    }
    requireMayDecide(state, command.actor, approval, rules);
    requireOneOf(command.decision, ['approved', 'rejected'] as const, 'decision');
    optionalText(command.comment, 'comment');
  },

  apply(state, command, { now, rules = FIRST_RULES }) {
    const approval = state.approvals.find((a) => a.id === command.approvalId);
    if (!approval) return refuse('UNKNOWN_APPROVAL', `this deal has no approval ${command.approvalId}`);
    approval.status = command.decision;
    approval.decidedById = command.actor.userId;
    // An admin's approval holds whoever decides the request later (see deciderStillCovers).
    if (rules.approvedFollowDeal) approval.decidedByRole = command.actor.role;
    approval.decidedAt = iso(now);
    approval.comment = command.comment ?? null;
    appendEvent(state, now, 'approval_decided', command.actor.userId, {
      approvalId: approval.id,
      decision: command.decision,
      comment: approval.comment,
    });
    if (approval.requestedById !== command.actor.userId) {
      queueNotification(state, now, {
        key: `${state.id}:approval:${approval.id}:decision`,
        template: 'decision_notice',
        recipientUserId: approval.requestedById,
        approval,
        escalationKind: null,
      });
    }
    return { changed: true, approvalId: approval.id };
  },
};

/**
 * The deal's amount, owner or reporting line changed: every pending approval goes to whoever
 * decides it now (the director threshold and the line are re-applied). A request whose approver
 * changes is withdrawn and asked again of the new approver, who is mailed as for any request;
 * the old approver's links and reminders die with the withdrawn one. A request nobody may decide
 * any more is voided. Both are journalled: approval_rerouted (from, to, why) or approval_voided.
 *
 * With rules.approvedFollowDeal (patched('psm-void-approved-on-change')) the same goes for a gate or
 * skip already approved but not used yet (its milestone still ahead), unless whoever approved it
 * may still decide it (the new approver, someone above them, or an admin): otherwise "ask while
 * small, have the manager approve, raise the amount, complete the milestone" would bypass the
 * director. Such an approval moves approved -> cancelled and is asked again of the new approver
 * (the request still stands: nobody has to ask twice, and the director is mailed at once); the
 * events carry previousStatus: 'approved'.
 */
export function rerouteApprovals(
  state: OpportunityState,
  now: number,
  actorId: string | null,
  why: 'amount_changed' | 'owner_changed' | 'reporting_line_changed',
  newId: () => string,
  rules: RuleSet,
): void {
  for (const approval of [...state.approvals]) {
    const wasApproved = rules.approvedFollowDeal === true && approvedButUnused(state, approval);
    if (approval.status !== 'pending' && !wasApproved) continue;
    const to = currentApprover(state, approval, rules);
    if (to === approval.approverId) continue;
    if (wasApproved && to !== null && deciderStillCovers(state, approval, to)) continue;
    // An approved one keeps who decided it and when; only its status says it no longer counts.
    const previous = wasApproved ? { previousStatus: 'approved' as const } : {};
    approval.status = 'cancelled';
    if (!wasApproved) approval.decidedAt = iso(now);
    appendEvent(state, now, 'approval_decided', actorId, {
      approvalId: approval.id,
      decision: 'cancelled',
      comment: null,
      ...previous,
    });
    if (to === null) {
      appendEvent(state, now, 'approval_voided', actorId, {
        approvalId: approval.id,
        approverId: approval.approverId,
        reason: why,
        ...previous,
      });
      continue;
    }
    const newApprovalId = newId();
    appendEvent(state, now, 'approval_rerouted', actorId, {
      approvalId: approval.id,
      newApprovalId,
      fromApproverId: approval.approverId,
      toApproverId: to,
      reason: why,
      ...previous,
    });
    // The read model takes the requester from the request event's actor: keep who asked.
    openApproval(state, now, approval.requestedById, {
      id: newApprovalId,
      kind: approval.kind,
      milestone: approval.milestone,
      amount: approval.amount,
      reason: approval.reason,
      requestedById: approval.requestedById,
      approverId: to,
    });
  }
}

/** An approved gate or skip whose milestone is still ahead: nothing has used it yet. */
function approvedButUnused(state: OpportunityState, approval: ApprovalRecord): boolean {
  return (
    approval.status === 'approved' &&
    approval.kind !== 'discount' &&
    approval.milestone !== null &&
    milestoneIndexIn(definitionOf(state), approval.milestone) > state.reachedIndex
  );
}

/** Whether whoever approved it could decide it now that it goes to `approverId`. */
function deciderStillCovers(state: OpportunityState, approval: ApprovalRecord, approverId: string): boolean {
  const decider = approval.decidedById;
  if (decider === null) return false;
  if (decider === approverId || approval.decidedByRole === 'admin') return true;
  const chain = state.reportingLine?.chain ?? [];
  const rank = chain.indexOf(approverId);
  return rank >= 0 && chain.indexOf(decider) > rank;
}
