// Everything about a deal that is not a milestone or an approval: activities, stakeholders,
// deal fields, and the outcomes (lost, on hold, resumed, reopened).

import type {
  AcknowledgeEscalationCommand,
  HoldCommand,
  LogActivityCommand,
  MarkLostCommand,
  OpportunityState,
  ReopenCommand,
  ResumeCommand,
  Stakeholder,
  UpdateDealCommand,
  UpsertStakeholderCommand,
} from '../opportunity-types';
import { ACTIVITY_KINDS, PSM_PROCESS, STAKEHOLDER_ROLES, STAKEHOLDER_STANCES } from '../psm-process';
import { refuse } from '../opportunity-errors';
import { definitionOf, milestoneIndexIn } from '../process-versions';
import {
  optionalText,
  requireAmount,
  requireOneOf,
  requireText,
  requireTime,
  TEXT_LIMITS,
} from '../opportunity-input';
import { appendEvent, cancelPendingApprovals, enterStage, iso } from '../opportunity-state';
import { rerouteApprovals } from './approval-commands';
import { closeProject } from '../opportunity-ltc';
import { FIRST_RULES, requireStatus, type CommandSpec } from './command-spec';

/** Clock skew between the caller and the workflow that an activity time may show. */
const FUTURE_ACTIVITY_TOLERANCE_MS = 24 * 60 * 60 * 1000;

export const logActivity: CommandSpec<LogActivityCommand> = {
  validate(state, command, now) {
    // Won deals keep logging customer-care contacts during contract execution.
    requireStatus(state, ['open', 'on_hold', 'won'], 'log an activity');
    requireOneOf(command.kind, ACTIVITY_KINDS, 'kind');
    const occurredAt = requireTime(command.occurredAt, 'occurredAt');
    if (occurredAt > now + FUTURE_ACTIVITY_TOLERANCE_MS)
      refuse('INVALID_INPUT', 'occurredAt is in the future');
    requireText(command.note, 'note', TEXT_LIMITS.longText);
  },

  apply(state, command, { now }) {
    const occurredAt = Math.min(Date.parse(command.occurredAt), now);
    if (state.lastActivityAt === null || occurredAt > Date.parse(state.lastActivityAt)) {
      state.lastActivityAt = iso(occurredAt);
    }
    // The follow-up cadence counts from the latest contact, never backwards.
    if (occurredAt > Date.parse(state.followUp.anchor)) state.followUp.anchor = iso(occurredAt);
    appendEvent(state, now, 'activity_logged', command.actor.userId, {
      kind: command.kind,
      note: command.note,
      occurredAt: command.occurredAt,
    });
    return { changed: true };
  },
};

export const upsertStakeholder: CommandSpec<UpsertStakeholderCommand> = {
  validate(state, command) {
    requireStatus(state, ['open', 'on_hold'], 'change stakeholders');
    requireText(command.name, 'name', TEXT_LIMITS.name);
    optionalText(command.title, 'title', TEXT_LIMITS.name);
    requireOneOf(command.role, STAKEHOLDER_ROLES, 'role');
    requireOneOf(command.stance, STAKEHOLDER_STANCES, 'stance');
    if (command.id !== undefined && !state.stakeholders.some((s) => s.id === command.id)) {
      refuse('NOT_FOUND', `this deal has no stakeholder ${String(command.id)}`);
    }
  },

  apply(state, command, { now, newId }) {
    const values = {
      name: command.name,
      title: command.title ?? null,
      role: command.role,
      stance: command.stance,
    };
    let stakeholder = state.stakeholders.find((s) => s.id === command.id);
    if (stakeholder) {
      const unchanged = (Object.keys(values) as (keyof typeof values)[]).every(
        (k) => stakeholder?.[k] === values[k],
      );
      if (unchanged) return { changed: false, stakeholderId: stakeholder.id };
      Object.assign(stakeholder, values, { updatedAt: iso(now) });
    } else {
      stakeholder = { id: newId(), ...values, updatedAt: iso(now) } satisfies Stakeholder;
      state.stakeholders.push(stakeholder);
    }
    appendEvent(state, now, 'stakeholder_upserted', command.actor.userId, {
      stakeholderId: stakeholder.id,
      ...values,
    });
    return { changed: true, stakeholderId: stakeholder.id };
  },
};

const DEAL_FIELDS = ['name', 'account', 'amount', 'expectedCloseDate', 'ownerId'] as const;

export const updateDeal: CommandSpec<UpdateDealCommand> = {
  validate(state, command, _now, rules = FIRST_RULES) {
    requireStatus(state, ['open', 'on_hold'], 'update the deal');
    if (!DEAL_FIELDS.some((field) => command[field] !== undefined)) {
      refuse('INVALID_INPUT', `give at least one of ${DEAL_FIELDS.join(', ')}`);
    }
    if (command.name !== undefined) requireText(command.name, 'name', TEXT_LIMITS.name);
    if (command.account !== undefined) requireText(command.account, 'account', TEXT_LIMITS.name);
    if (command.amount !== undefined) requireAmount(command.amount, 'amount');
    if (command.ownerId !== undefined) requireText(command.ownerId, 'ownerId', TEXT_LIMITS.name);
    if (command.expectedCloseDate !== undefined && command.expectedCloseDate !== null)
      requireTime(command.expectedCloseDate, 'expectedCloseDate');
    // A rep has nobody below them: they may hand a deal only to themselves (as on create).
    if (
      rules.authorization &&
      command.ownerId !== undefined &&
      command.ownerId !== state.ownerId &&
      command.actor.role === 'rep' &&
      command.ownerId !== command.actor.userId
    ) {
      refuseOwner(command.ownerId, command.actor.userId);
    }
  },

  needsReportingLineOf: (command) => command.ownerId,

  // The same rule as creating a deal: the new owner is active and the actor themself, someone
  // below the actor, or the actor is an admin. Only the new owner's line can tell.
  validateWithLine(state, command, line, rules) {
    if (!rules.authorization || command.ownerId === undefined || command.ownerId === state.ownerId) return;
    if (line.active === false) {
      refuse('OWNER_INACTIVE', `${command.ownerId} is deactivated and cannot own a deal`, {
        ownerId: command.ownerId,
      });
    }
    const { actor } = command;
    if (actor.role === 'admin' || actor.userId === command.ownerId) return;
    if (actor.role === 'rep' || !line.chain.includes(actor.userId))
      refuseOwner(command.ownerId, actor.userId);
  },

  apply(state, command, { now, newId, rules = FIRST_RULES }, reportingLine) {
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const field of DEAL_FIELDS) {
      const to = command[field];
      if (to === undefined || state[field] === to) continue;
      changes[field] = { from: state[field], to };
    }
    if (command.name !== undefined) state.name = command.name;
    if (command.account !== undefined) state.account = command.account;
    if (command.amount !== undefined) state.amount = command.amount;
    if (command.expectedCloseDate !== undefined) state.expectedCloseDate = command.expectedCloseDate;
    if (command.ownerId !== undefined) state.ownerId = command.ownerId;
    if (reportingLine) state.reportingLine = reportingLine;
    if (Object.keys(changes).length === 0) return { changed: false };
    appendEvent(state, now, 'fields_updated', command.actor.userId, { changes });
    // A lowered amount must not buy a cheaper approver for a request later raised again.
    if (rules.authorization && (changes.amount || changes.ownerId)) {
      const why = changes.ownerId ? 'owner_changed' : 'amount_changed';
      rerouteApprovals(state, now, command.actor.userId, why, newId, rules);
    }
    return { changed: true };
  },
};

function refuseOwner(ownerId: string, actorId: string): never {
  return refuse('OWNER_OUTSIDE_LINE', `${actorId} may give a deal only to themself or someone below them`, {
    ownerId,
  });
}

export const markLost: CommandSpec<MarkLostCommand> = {
  validate(state, command) {
    requireStatus(state, ['open', 'on_hold'], 'mark the deal lost');
    requireText(command.reason, 'reason');
    optionalText(command.competitor, 'competitor', TEXT_LIMITS.name);
  },

  apply(state, command, { now, rules = FIRST_RULES }) {
    state.status = 'lost';
    state.lostReason = command.reason;
    state.holdReason = null;
    state.closedAt = iso(now);
    cancelPendingApprovals(state, now, command.actor.userId, () => true);
    appendEvent(state, now, 'lost', command.actor.userId, { reason: command.reason });
    if (rules.ltc) {
      state.lostCompetitor = command.competitor ?? null;
      closeProject(state, now, command.actor.userId);
    }
    return { changed: true };
  },
};

export const hold: CommandSpec<HoldCommand> = {
  validate(state, command) {
    requireStatus(state, ['open'], 'put the deal on hold');
    requireText(command.reason, 'reason');
  },

  apply(state, command, { now }) {
    state.status = 'on_hold';
    state.holdReason = command.reason;
    appendEvent(state, now, 'on_hold', command.actor.userId, { reason: command.reason });
    return { changed: true };
  },
};

/** Hold pauses every clock; resuming restarts each one from now, keeping the escalation levels. */
function restartClocks(state: OpportunityState, now: number): void {
  const at = iso(now);
  state.followUp.anchor = at;
  state.stall.anchor = at;
  for (const approval of state.approvals) if (approval.status === 'pending') approval.chaseAnchor = at;
  if (state.contractWindow && !state.contractWindow.escalated) state.contractWindow.anchor = at;
}

export const resume: CommandSpec<ResumeCommand> = {
  validate(state) {
    if (state.status !== 'on_hold') {
      if (state.status === 'open') refuse('DEAL_NOT_ON_HOLD', 'the deal is not on hold');
      requireStatus(state, ['on_hold'], 'resume the deal');
    }
  },

  apply(state, command, { now }) {
    state.status = 'open';
    state.holdReason = null;
    restartClocks(state, now);
    appendEvent(state, now, 'resumed', command.actor.userId, {});
    return { changed: true };
  },
};

export const reopen: CommandSpec<ReopenCommand> = {
  validate(state, command) {
    if (state.status === 'won') refuse('DEAL_CLOSED', 'a won deal cannot be reopened');
    if (state.status !== 'lost') refuse('DEAL_NOT_CLOSED', 'only a lost deal can be reopened');
    requireText(command.reason, 'reason');
  },

  apply(state, command, { now }) {
    state.status = 'open';
    state.lostReason = null;
    state.closedAt = null;
    // The closing summary of the loss is superseded: the next close writes a new one.
    if (state.closing !== undefined) state.closing = null;
    if (state.lostCompetitor !== undefined) state.lostCompetitor = null;
    // Back at the milestone it was lost at, with every clock (and the escalation ladder) fresh.
    enterStage(state, now);
    if (state.reachedIndex >= milestoneIndexIn(definitionOf(state), PSM_PROCESS.contractWindow.from)) {
      state.contractWindow = { anchor: iso(now), escalated: false };
    }
    appendEvent(state, now, 'reopened', command.actor.userId, { reason: command.reason });
    return { changed: true };
  },
};

export const acknowledgeEscalation: CommandSpec<AcknowledgeEscalationCommand> = {
  validate(state, command) {
    requireStatus(state, ['open', 'on_hold'], 'acknowledge an escalation');
    requireText(command.subjectId, 'subjectId', TEXT_LIMITS.name);
    if (command.subjectId !== state.id && !state.approvals.some((a) => a.id === command.subjectId)) {
      refuse('NOT_FOUND', `${command.subjectId} is neither this deal nor one of its approvals`);
    }
  },

  apply(state, command, { now }) {
    const subject = command.subjectId === state.id ? 'deal' : 'approval';
    // Journalled for the manager's record; the ladder itself only stops on progress.
    appendEvent(state, now, 'escalation_acknowledged', command.actor.userId, {
      subject,
      subjectId: command.subjectId,
    });
    return { changed: true };
  },
};
