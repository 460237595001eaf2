// The LTC commands (runs with rules.ltc): the deal team, the major flag, the kickoff plan, the
// handover acceptance and the closing lessons. Each refuses with LTC_NOT_AVAILABLE on a run
// started before the LTC rules, so such a deal keeps behaving exactly as before.

import type {
  AcceptHandoverCommand,
  AssignTeamMemberCommand,
  OpportunityState,
  PlanRisk,
  RecordClosingLessonsCommand,
  RecordProjectPlanCommand,
  RemoveTeamMemberCommand,
  RuleSet,
  SetMajorDealCommand,
  TeamMember,
} from '../opportunity-types';
import { PSM_PROCESS, TEAM_ROLES, teamRoleOf, type MilestoneKey } from '../psm-process';
import { refuse, refuseInput } from '../opportunity-errors';
import { definitionOf, milestoneIndexIn } from '../process-versions';
import {
  optionalText,
  requireOneOf,
  requireStringList,
  requireText,
  TEXT_LIMITS,
} from '../opportunity-input';
import { appendEvent, iso, latestApproval } from '../opportunity-state';
import { completeExecutionIfDone } from './milestone-commands';
import { handoverAcceptor, memberOf, teamOf } from '../opportunity-ltc-facts';
import { FIRST_RULES, requireStatus, type CommandSpec } from './command-spec';

const LIMITS = { risks: 30, competitors: 20 } as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function requireLtc(rules: RuleSet = FIRST_RULES): void {
  if (!rules.ltc) {
    refuse('LTC_NOT_AVAILABLE', 'this deal started before the deal team, kickoff and handover existed');
  }
}

/**
 * A completed deal's team is final (its summary and handover named them): no one joins or leaves.
 * Removal was refused here later than assignment; a validator change alone, since validators never
 * run on replay and LTC runs have the authorization rules (no re-validation) from their start.
 */
function requireTeamNotFinal(state: OpportunityState): void {
  if (state.executionCompletedAt !== null) refuse('DEAL_CLOSED', 'the deal is completed');
}

function requireDate(value: unknown, field: string): string {
  if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    refuseInput(field, 'must be a date YYYY-MM-DD');
  return value;
}

export const assignTeamMember: CommandSpec<AssignTeamMemberCommand> = {
  validate(state, command, _now, rules) {
    requireLtc(rules);
    requireStatus(state, ['open', 'on_hold', 'won'], 'change the deal team');
    requireTeamNotFinal(state);
    requireText(command.userId, 'userId', TEXT_LIMITS.name);
    requireOneOf(command.role, TEAM_ROLES, 'role');
    if (command.userId === state.ownerId && command.role !== 'AR') {
      refuse('TEAM_MEMBER_IS_OWNER', `${command.userId} owns the deal and is its AR`, {
        userId: command.userId,
      });
    }
  },

  // The member's directory entry: they must exist and be active, and their managers are whom a
  // waiting handover is escalated to.
  needsReportingLineOf: (command) => command.userId,

  validateWithLine(_state, command, line) {
    if (line.active === false) {
      refuse('TEAM_MEMBER_INACTIVE', `${command.userId} is deactivated and cannot join a deal team`, {
        userId: command.userId,
      });
    }
  },

  apply(state, command, { now }, line) {
    const team = (state.team ??= []);
    const current = memberOf(state, command.userId);
    if (current?.role === command.role) return { changed: false };
    const single = teamRoleOf(command.role)?.single === true;
    const replaced = single
      ? team.find((m) => m.role === command.role && m.userId !== command.userId)
      : undefined;
    state.team = team.filter((m) => m.userId !== command.userId && m !== replaced);
    const member: TeamMember = {
      userId: command.userId,
      role: command.role,
      addedAt: iso(now),
      addedById: command.actor.userId,
      managerId: line?.managerId ?? null,
      directorId: line?.directorId ?? null,
    };
    state.team.push(member);
    appendEvent(state, now, 'team_member_assigned', command.actor.userId, {
      userId: command.userId,
      role: command.role,
      previousRole: current?.role ?? null,
      replacedUserId: replaced?.userId ?? null,
    });
    return { changed: true };
  },
};

export const removeTeamMember: CommandSpec<RemoveTeamMemberCommand> = {
  validate(state, command, _now, rules) {
    requireLtc(rules);
    requireStatus(state, ['open', 'on_hold', 'won'], 'change the deal team');
    requireTeamNotFinal(state);
    requireText(command.userId, 'userId', TEXT_LIMITS.name);
    if (!memberOf(state, command.userId)) refuse('NOT_FOUND', `${command.userId} is not on this deal's team`);
  },

  apply(state, command, { now }) {
    const member = memberOf(state, command.userId);
    if (!member) return { changed: false };
    state.team = teamOf(state).filter((m) => m.userId !== command.userId);
    appendEvent(state, now, 'team_member_removed', command.actor.userId, {
      userId: command.userId,
      role: member.role,
    });
    return { changed: true };
  },
};

export const setMajorDeal: CommandSpec<SetMajorDealCommand> = {
  validate(state, command, _now, rules) {
    requireLtc(rules);
    requireStatus(state, ['open', 'on_hold'], 'flag the deal major');
    if (typeof command.major !== 'boolean') refuseInput('major', 'must be true or false');
    requireText(command.reason, 'reason');
  },

  apply(state, command, { now }) {
    if ((state.major === true) === command.major) return { changed: false };
    state.major = command.major;
    appendEvent(state, now, 'major_flag_set', command.actor.userId, {
      major: command.major,
      reason: command.reason,
    });
    return { changed: true };
  },
};

function requireRisks(value: unknown): PlanRisk[] {
  if (!Array.isArray(value) || value.length > LIMITS.risks)
    refuseInput('risks', `must be a list of at most ${LIMITS.risks}`);
  return value.map((entry: unknown, i) => {
    const risk = (entry ?? {}) as Partial<PlanRisk>;
    requireText(risk.risk, `risks[${i}].risk`, TEXT_LIMITS.longText);
    requireText(risk.ownerId, `risks[${i}].ownerId`, TEXT_LIMITS.name);
    requireText(risk.mitigation, `risks[${i}].mitigation`, TEXT_LIMITS.longText);
    return {
      risk: risk.risk as string,
      ownerId: risk.ownerId as string,
      mitigation: risk.mitigation as string,
    };
  });
}

/** The milestone keys of the deal's own process version, in order. */
function milestoneKeysOf(state: OpportunityState): MilestoneKey[] {
  return definitionOf(state).milestones.map((m) => m.key as MilestoneKey);
}

/** The milestones a plan must date: every one not reached yet. */
function milestonesToPlan(state: OpportunityState): MilestoneKey[] {
  return milestoneKeysOf(state).slice(state.reachedIndex + 1);
}

export const recordProjectPlan: CommandSpec<RecordProjectPlanCommand> = {
  validate(state, command, _now, rules) {
    requireLtc(rules);
    requireStatus(state, ['open', 'on_hold'], 'record the project plan');
    const after = milestoneIndexIn(definitionOf(state), PSM_PROCESS.ltc.kickoff.afterMilestone);
    const skipped = latestApproval(state, 'skip_milestone', PSM_PROCESS.ltc.kickoff.afterMilestone);
    if (state.reachedIndex < after && skipped?.status !== 'approved') {
      refuse('KICKOFF_TOO_EARLY', `the kickoff plan follows ${PSM_PROCESS.ltc.kickoff.afterMilestone}`, {
        afterMilestone: PSM_PROCESS.ltc.kickoff.afterMilestone,
      });
    }
    const dates = command.plannedDates;
    if (typeof dates !== 'object' || dates === null || Array.isArray(dates))
      refuseInput('plannedDates', 'must map milestones to dates');
    const known: readonly string[] = milestoneKeysOf(state);
    const unknown = Object.keys(dates).filter((key) => !known.includes(key));
    if (unknown.length > 0) refuseInput(`plannedDates.${unknown[0]}`, 'is not a milestone');
    const missing = milestonesToPlan(state).filter((key) => dates[key] === undefined);
    if (missing.length > 0)
      refuseInput(`plannedDates.${missing[0]}`, 'is required (every milestone not reached yet)');
    let previous = '';
    for (const key of milestonesToPlan(state)) {
      const date = requireDate(dates[key], `plannedDates.${key}`);
      if (date < previous) refuseInput(`plannedDates.${key}`, 'is before the milestone planned ahead of it');
      previous = date;
    }
    requireDate(command.decisionDate, 'decisionDate');
    requireRisks(command.risks);
    requireStringList(command.competitors, 'competitors', LIMITS.competitors, TEXT_LIMITS.name);
    if (typeof command.evidence !== 'string' || command.evidence.trim() === '')
      refuse('EVIDENCE_REQUIRED', 'the project plan needs the kickoff minutes as evidence');
    requireText(command.evidence, 'evidence', TEXT_LIMITS.longText);
  },

  apply(state, command, { now }) {
    const plannedDates: Partial<Record<MilestoneKey, string>> = {};
    for (const key of milestoneKeysOf(state)) {
      const date = command.plannedDates[key];
      if (date !== undefined) plannedDates[key] = date;
    }
    const version = (state.plan?.version ?? 0) + 1;
    state.plan = {
      version,
      recordedAt: iso(now),
      recordedById: command.actor.userId,
      plannedDates,
      decisionDate: command.decisionDate,
      risks: requireRisks(command.risks),
      competitors: [...command.competitors],
      evidence: command.evidence,
    };
    appendEvent(state, now, 'project_plan_recorded', command.actor.userId, {
      version,
      plannedDates,
      decisionDate: command.decisionDate,
      risks: state.plan.risks,
      competitors: state.plan.competitors,
      evidence: command.evidence,
    });
    return { changed: true };
  },
};

export const acceptHandover: CommandSpec<AcceptHandoverCommand> = {
  validate(state, command, _now, rules) {
    requireLtc(rules);
    if (state.handover?.status !== 'pending') {
      refuse('HANDOVER_NOT_PENDING', 'no handover is waiting: the deal is not won, or it was accepted');
    }
    const acceptor = handoverAcceptor(state);
    if (command.actor.role !== 'admin' && acceptor?.userId !== command.actor.userId) {
      refuse('NOT_HANDOVER_ACCEPTOR', `the handover is accepted by the FR or the named delivery owner`, {
        acceptorId: acceptor?.userId ?? null,
      });
    }
    const documents = requireStringList(command.documents, 'documents', 50, TEXT_LIMITS.name);
    const required = PSM_PROCESS.ltc.handover.documents.map((d) => d.key as string);
    const unknown = documents.filter((key) => !required.includes(key));
    if (unknown.length > 0) refuseInput('documents', `has unknown documents ${unknown.join(', ')}`);
    const missing = required.filter((key) => !documents.includes(key));
    if (missing.length > 0) {
      refuse(
        'HANDOVER_DOCUMENTS_MISSING',
        `the handover needs every document; missing ${missing.join(', ')}`,
        {
          missing,
        },
      );
    }
    optionalText(command.note, 'note', TEXT_LIMITS.longText);
  },

  apply(state, command, { now }) {
    const handover = state.handover;
    if (!handover) return { changed: false };
    const actorId = command.actor.userId;
    handover.status = 'accepted';
    handover.acceptedAt = iso(now);
    handover.acceptedById = actorId;
    handover.documents = [...new Set(command.documents)];
    handover.note = command.note ?? null;
    appendEvent(state, now, 'handover_accepted', actorId, {
      documents: handover.documents,
      note: handover.note,
    });
    const ticks = (state.checklist[PSM_PROCESS.execution.key] ??= {});
    const item = PSM_PROCESS.ltc.handover.checklistItem;
    if (ticks[item]?.done !== true) {
      ticks[item] = { done: true, at: iso(now), byId: actorId };
      appendEvent(state, now, 'checklist_ticked', actorId, {
        milestone: PSM_PROCESS.execution.key,
        item,
        done: true,
      });
    }
    completeExecutionIfDone(state, now, actorId);
    return { changed: true };
  },
};

export const recordClosingLessons: CommandSpec<RecordClosingLessonsCommand> = {
  validate(state, command, _now, rules) {
    requireLtc(rules);
    if (!state.closing)
      refuse('DEAL_NOT_CLOSED', 'the closing summary is written when the deal is won or lost');
    requireText(command.lessons, 'lessons', TEXT_LIMITS.longText);
    optionalText(command.competitor, 'competitor', TEXT_LIMITS.name);
  },

  apply(state, command, { now }) {
    const closing = state.closing;
    if (!closing) return { changed: false };
    closing.lessons = command.lessons;
    closing.lessonsById = command.actor.userId;
    if (command.competitor !== undefined && closing.outcome === 'lost')
      closing.competitor = command.competitor;
    appendEvent(state, now, 'closing_lessons_recorded', command.actor.userId, {
      lessons: command.lessons,
      competitor: closing.competitor,
    });
    return { changed: true };
  },
};
