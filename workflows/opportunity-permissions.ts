// Who may act on a deal and who decides its approvals. The reporting line is the owner's chain
// of managers as the directory reported it when the deal started or changed owner.

import type { ReportingLine } from '../src/contracts/activities';
import type {
  Actor,
  ApprovalKind,
  ApprovalRecord,
  CommandName,
  OpportunityState,
  RuleSet,
} from './opportunity-types';
import { PSM_PROCESS, teamRoleOf, type TeamCommand } from './psm-process';
import { memberOf } from './opportunity-ltc-facts';
import { refuse, refuseReportingLinePending } from './opportunity-errors';
import { requireOneOf, requireText, TEXT_LIMITS } from './opportunity-input';

const ROLES = ['rep', 'manager', 'director', 'admin'] as const;
const FIRST_RULES_FOR_PERMISSIONS: RuleSet = { authorization: false };

export function requireActor(actor: unknown): Actor {
  if (typeof actor !== 'object' || actor === null) refuse('INVALID_INPUT', 'actor is required');
  const { userId, role } = actor as Partial<Actor>;
  requireText(userId, 'actor.userId', TEXT_LIMITS.name);
  requireOneOf(role, ROLES, 'actor.role');
  return actor as Actor;
}

/** Commands that change the team itself: the owner, the owner's line or an admin only. */
const TEAM_CHANGES: readonly CommandName[] = ['assignTeamMember', 'removeTeamMember', 'setMajorDeal'];

/**
 * The owning rep, anyone above them, or an admin; with the LTC rules also a deal-team member, for
 * the commands and milestones their role has in the process definition (PSM_PROCESS.ltc.roles).
 */
export function requireMayAct(
  state: OpportunityState,
  actor: Actor,
  request?: { name: CommandName; command: unknown },
  rules?: RuleSet,
): void {
  if (actor.role === 'admin' || actor.userId === state.ownerId) return;
  if (state.reportingLine === null) {
    refuseReportingLinePending();
  }
  if (state.reportingLine.chain.includes(actor.userId)) return;
  const member = rules?.ltc && request ? memberOf(state, actor.userId) : undefined;
  if (member && request) return requireRoleAllows(member.role, actor.userId, request);
  refuse(
    'FORBIDDEN',
    `${actor.userId} is neither the owner of this deal, in the owner’s management chain, nor an admin`,
  );
}

function requireRoleAllows(role: string, userId: string, request: { name: CommandName; command: unknown }) {
  const definition = teamRoleOf(role);
  const { name } = request;
  if (TEAM_CHANGES.includes(name)) {
    refuse(
      'TEAM_CHANGE_FORBIDDEN',
      `${userId} is on the deal team (${role}) but only the owner or their line changes it`,
      {
        role,
        command: name,
      },
    );
  }
  if (!definition || !(definition.commands as readonly string[]).includes(name as TeamCommand)) {
    refuse('NOT_IN_ROLE', `${userId} (${role}) may not ${name} on this deal`, { role, command: name });
  }
  if (name !== 'completeMilestone' && name !== 'setChecklistItem') return;
  const step = (request.command as { milestone?: unknown } | null)?.milestone;
  if (definition.steps === 'all') return;
  if (typeof step !== 'string' || !definition.steps.includes(step)) {
    refuse('NOT_IN_ROLE', `${userId} (${role}) may not ${name} for ${String(step)}`, {
      role,
      command: name,
      milestone: typeof step === 'string' ? step : null,
      allowed: [...definition.steps],
    });
  }
}

/**
 * The approver, anyone above the approver in the owner's chain, or an admin; with the
 * authorization rules, never the person who asked (an admin included).
 */
export function requireMayDecide(
  state: OpportunityState,
  actor: Actor,
  approval: ApprovalRecord,
  rules: RuleSet = FIRST_RULES_FOR_PERMISSIONS,
): void {
  if (!mayDecide(state, actor, approval)) {
    refuse(
      'NOT_APPROVER',
      `approval ${approval.id} is decided by ${approval.approverId} or someone above them`,
    );
  }
  if (rules.authorization && actor.userId === approval.requestedById) {
    refuse('SELF_APPROVAL', `${actor.userId} asked for approval ${approval.id} and cannot decide it`, {
      approvalId: approval.id,
      approverId: approval.approverId,
    });
  }
}

function mayDecide(state: OpportunityState, actor: Actor, approval: ApprovalRecord): boolean {
  if (actor.role === 'admin' || actor.userId === approval.approverId) return true;
  const chain = state.reportingLine?.chain ?? [];
  const approverRank = chain.indexOf(approval.approverId);
  const actorRank = chain.indexOf(actor.userId);
  return approverRank >= 0 && actorRank > approverRank;
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

/**
 * Who decides a request, with the authorization rules: as approverFor, but never the requester
 * nor anyone below them in the owner's chain (a director's own request must not land on their
 * manager-level report). Then it goes to the next person above the requester in the owner's
 * chain, and from the top of the chain (or an owner with nobody above) to the directory's admin
 * (ReportingLine.adminId). Null when nobody may decide it.
 */
export function approverForRequest(
  kind: ApprovalKind,
  gatedMilestone: boolean,
  dealAmount: number,
  line: ReportingLine,
  requesterId: string,
): string | null {
  const byRule = approverFor(kind, gatedMilestone, dealAmount, line);
  const requesterRank = line.chain.indexOf(requesterId);
  if (byRule !== null && byRule !== requesterId && line.chain.indexOf(byRule) > requesterRank) return byRule;
  const above = requesterRank >= 0 ? line.chain[requesterRank + 1] : undefined;
  if (above !== undefined) return above;
  const admin = line.adminId ?? null;
  return admin !== null && admin !== requesterId ? admin : null;
}

/** Whom an overdue approval is escalated to: the next person above the approver. */
export function approverManager(state: OpportunityState, approverId: string): string | null {
  const chain = state.reportingLine?.chain ?? [];
  const rank = chain.indexOf(approverId);
  return rank >= 0 ? (chain[rank + 1] ?? null) : null;
}
