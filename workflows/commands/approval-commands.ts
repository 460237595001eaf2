// Asking for and deciding approvals: milestone gates, milestone skips and discounts.

import type {
  ApprovalRecord,
  DecideApprovalCommand,
  OpportunityState,
  RequestApprovalCommand,
} from '../opportunity-types';
import { LAST_MILESTONE_INDEX, milestoneAt, milestoneIndexOf } from '../psm-process';
import { refuse } from '../opportunity-errors';
import { optionalText, requireAmount, requireOneOf, requireText } from '../opportunity-input';
import { appendEvent, iso, latestApproval } from '../opportunity-state';
import { approverFor, requireMayDecide } from '../opportunity-permissions';
import { queueNotification } from '../opportunity-notifications';
import { requireStatus, type CommandSpec } from './command-spec';

const APPROVAL_KINDS = ['milestone_gate', 'skip_milestone', 'discount'] as const;

function requireUnreachedMilestone(state: OpportunityState, key: unknown, kind: string) {
  const index = typeof key === 'string' ? milestoneIndexOf(key) : -1;
  const milestone = milestoneAt(index);
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

/** Who decides this request, or a refusal explaining why nobody can. */
function resolveApprover(state: OpportunityState, command: RequestApprovalCommand): string {
  if (state.reportingLine === null) {
    refuse('SERVICE_UNAVAILABLE', 'the owner’s reporting line is still being looked up; retry in a moment');
  }
  const gated =
    command.milestone !== undefined &&
    (milestoneAt(milestoneIndexOf(command.milestone))?.approvalGate ?? null) !== null;
  const approverId = approverFor(command.kind, gated, state.amount, state.reportingLine);
  if (approverId === null) {
    refuse('RULE_REFUSED', `nobody is above ${state.ownerId} in the reporting line to approve this`);
  }
  return approverId;
}

export const requestApproval: CommandSpec<RequestApprovalCommand> = {
  validate(state, command) {
    requireStatus(state, ['open'], 'request an approval');
    const kind = requireOneOf(command.kind, APPROVAL_KINDS, 'kind');
    requireText(command.reason, 'reason');
    if (kind === 'milestone_gate') {
      const { milestone } = requireUnreachedMilestone(state, command.milestone, kind);
      if (!milestone.approvalGate) refuse('RULE_REFUSED', `${milestone.key} has no approval gate`);
      refuseIfAlreadyAsked(latestApproval(state, kind, milestone.key), `the ${milestone.key} gate`);
    } else if (kind === 'skip_milestone') {
      const { index, milestone } = requireUnreachedMilestone(state, command.milestone, kind);
      if (index === LAST_MILESTONE_INDEX)
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
    resolveApprover(state, command);
  },

  apply(state, command, { now, newId }) {
    const approverId = resolveApprover(state, command);
    const approval: ApprovalRecord = {
      id: newId(),
      kind: command.kind,
      milestone: command.kind === 'discount' ? null : (command.milestone ?? null),
      amount: command.kind === 'discount' ? (command.amount ?? null) : null,
      reason: command.reason,
      requestedById: command.actor.userId,
      approverId,
      requestedAt: iso(now),
      status: 'pending',
      decidedById: null,
      comment: null,
      decidedAt: null,
      chaseLevel: 0,
      chaseAnchor: iso(now),
    };
    state.approvals.push(approval);
    appendEvent(state, now, 'approval_requested', command.actor.userId, {
      approvalId: approval.id,
      kind: approval.kind,
      milestone: approval.milestone,
      approverId,
      amount: approval.amount,
      reason: approval.reason,
    });
    queueNotification(state, now, {
      key: `${state.id}:approval:${approval.id}:request`,
      template: 'approval_request',
      recipientUserId: approverId,
      approval,
      escalationKind: null,
    });
    return { changed: true, approvalId: approval.id };
  },
};

export const decideApproval: CommandSpec<DecideApprovalCommand> = {
  validate(state, command) {
    requireStatus(state, ['open', 'on_hold'], 'decide an approval');
    const approval = state.approvals.find((a) => a.id === command.approvalId);
    if (!approval) refuse('UNKNOWN_APPROVAL', `this deal has no approval ${String(command.approvalId)}`);
    if (approval.status !== 'pending') {
      refuse('ALREADY_DECIDED', `approval ${approval.id} is already ${approval.status}`, {
        status: approval.status,
      });
    }
    requireMayDecide(state, command.actor, approval);
    requireOneOf(command.decision, ['approved', 'rejected'] as const, 'decision');
    optionalText(command.comment, 'comment');
  },

  apply(state, command, { now }) {
    const approval = state.approvals.find((a) => a.id === command.approvalId);
    if (!approval) return refuse('UNKNOWN_APPROVAL', `this deal has no approval ${command.approvalId}`);
    approval.status = command.decision;
    approval.decidedById = command.actor.userId;
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
