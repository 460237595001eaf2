// The deal's clocks: which reminders and escalations are armed, when each is due, and what
// happens when one fires.
//
// Replay safety: a clock's identity comes from state alone (anchors, levels, ids), never from a
// threshold; thresholds only set due times. Replaying a history after a process owner changed an
// SLA or a delay must make the same decisions the original run made, so no decision may compare a
// due time computed here against the clock on replay. Two ways of running the clocks keep that:
// - the current one (see runClockChecks in opportunity.ts): one wake-up timer; when it fires, the
//   checkClocks local activity says which clocks are due, and its answer is recorded in history, so
//   a replay applies the recorded answer whatever the thresholds now say;
// - the first one (runClocks, kept for runs started before the lean-history patch): one durable
//   timer per armed clock, restarted whenever its identity changes, and applied when it fires.

import type { ClockFacts, NotificationTemplate } from '../src/contracts/activities';
import type { EscalationKind, EscalationLevel, OpportunityState } from './opportunity-types';
import { PSM_PROCESS, daysToMs } from './psm-process';
import { processVersions } from './process-versions';
import { dueAfter, workingDaysDue, type DayCounting, type WorkCalendar } from './working-days';
import { appendEvent, iso, stageIndex, stageMilestone } from './opportunity-state';
import { approverManager } from './opportunity-permissions';
import { queueNotification } from './opportunity-notifications';
import {
  handoverDueAt,
  handoverEscalationRecipient,
  handoverFacts,
  membersInRoles,
  stallAlsoTells,
} from './opportunity-ltc-facts';

export interface PlannedTimer {
  kind: EscalationKind;
  /** What this timer is for, from state alone; a fired timer whose identity is gone is stale. */
  identity: string;
  dueAt: number;
  /** The due date reaches a year whose working-day schedule is not published yet (Mon–Fri assumed). */
  provisional: boolean;
  /** The escalation level firing it reaches (0 for reminders to the rep or approver). */
  level: EscalationLevel;
  approvalId?: string;
}

/** The calendar the clocks count on, and per clock whether its days are calendar or working days. */
export interface ClockCalendar {
  calendar: WorkCalendar;
  dayCounting: { followUp: DayCounting; stall: DayCounting; approvals: DayCounting };
}

const PROCESS_CALENDAR: ClockCalendar = {
  calendar: PSM_PROCESS.workCalendar,
  dayCounting: PSM_PROCESS.dayCounting,
};

/** The part of the deal's state its clocks depend on: what the clock check is given. */
export function clockFacts(state: OpportunityState): ClockFacts {
  return {
    status: state.status,
    reachedIndex: state.reachedIndex,
    stageVisit: state.stageVisit,
    followUp: { ...state.followUp },
    stall: { ...state.stall },
    // Only pending approvals have clocks; decided ones would only bloat the recorded input.
    approvals: state.approvals
      .filter((a) => a.status === 'pending')
      .map(({ id, status, chaseLevel, chaseAnchor }) => ({ id, status, chaseLevel, chaseAnchor })),
    contractWindow: state.contractWindow ? { ...state.contractWindow } : null,
    // LTC runs only: a won deal's waiting handover has its own ladder.
    ...(state.handover ? { handover: { ...pick(state.handover) } } : {}),
    // Versioned runs: the clocks follow the milestones of the deal's own version.
    ...(state.processVersion === undefined ? {} : { processVersion: state.processVersion }),
  };
}

function pick({ status, anchor, level }: NonNullable<OpportunityState['handover']>) {
  return { status, anchor, level };
}

/** The waiting handover's clock (a won deal on an LTC run), or nothing. */
function handoverTimer(state: ClockFacts): PlannedTimer[] {
  const handover = state.handover;
  if (state.status !== 'won' || !handover) return [];
  const dueAt = handoverDueAt(handover);
  if (dueAt === null) return [];
  return [
    {
      kind: 'handover',
      identity: `handover:${handover.level}:${handover.anchor}`,
      dueAt,
      provisional: false,
      level: handover.level === 0 ? 1 : 2,
    },
  ];
}

/** Every armed clock, in a fixed order (never sorted by due time); empty unless the deal is open. */
export function planTimers(state: ClockFacts, clock: ClockCalendar = PROCESS_CALENDAR): PlannedTimer[] {
  const at = (anchor: string, days: number, counting: DayCounting) =>
    dueAfter(Date.parse(anchor), days, counting, clock.calendar);
  if (state.status === 'won') return handoverTimer(state);
  if (state.status !== 'open') return [];
  const stage = stageMilestone(state);
  const plan: PlannedTimer[] = [];

  if (stage.followUpCadenceDays !== null) {
    const { anchor, sent } = state.followUp;
    plan.push({
      kind: 'follow_up',
      identity: `follow_up:${sent}:${anchor}`,
      ...at(anchor, stage.followUpCadenceDays, clock.dayCounting.followUp),
      level: 0,
    });
  }

  if (stage.stallSlaDays !== null && state.stall.level < 2) {
    const { anchor, level } = state.stall;
    const delay = level === 0 ? stage.stallSlaDays : PSM_PROCESS.stallEscalation.directorAfterDays;
    plan.push({
      kind: 'stall',
      identity: `stall:${state.stageVisit}:${level}:${anchor}`,
      ...at(anchor, delay, clock.dayCounting.stall),
      level: level === 0 ? 1 : 2,
    });
  }

  for (const approval of state.approvals) {
    if (approval.status !== 'pending' || approval.chaseLevel >= 2) continue;
    const reminder = approval.chaseLevel === 0;
    const { reminderAfterDays, escalateAfterReminderDays } = PSM_PROCESS.approvals;
    plan.push({
      kind: reminder ? 'approval_reminder' : 'approval_escalation',
      identity: `approval:${approval.id}:${approval.chaseLevel}:${approval.chaseAnchor}`,
      ...at(
        approval.chaseAnchor,
        reminder ? reminderAfterDays : escalateAfterReminderDays,
        clock.dayCounting.approvals,
      ),
      level: reminder ? 0 : 1,
      approvalId: approval.id,
    });
  }

  if (state.contractWindow && !state.contractWindow.escalated) {
    const { anchor } = state.contractWindow;
    plan.push({
      kind: 'contract_window',
      identity: `contract_window:${state.stageVisit}:${anchor}`,
      ...workingDaysDue(Date.parse(anchor), PSM_PROCESS.contractWindow.workingDays, clock.calendar),
      level: 1,
    });
  }
  return plan;
}

/**
 * Changes whenever anything a clock depends on changes (and only then), computed without any
 * threshold. The workflow re-plans its timers when this changes.
 */
export function timerPlanSignature(state: OpportunityState): string {
  const approvals = state.approvals
    .filter((a) => a.status === 'pending')
    .map((a) => `${a.id}:${a.chaseLevel}:${a.chaseAnchor}`);
  return JSON.stringify([
    state.status,
    state.reachedIndex,
    state.stageVisit,
    state.followUp,
    state.stall,
    state.contractWindow,
    approvals,
    ...(state.handover ? [pick(state.handover)] : []),
  ]);
}

export function isStillPlanned(state: OpportunityState, timer: PlannedTimer): boolean {
  return planTimers(state).some((planned) => planned.identity === timer.identity);
}

/**
 * Identities of the clocks due at `now`, in plan order. The checkClocks local activity's answer; it is
 * recorded in history, so a calendar change never changes what a recorded run did.
 */
export function dueClocks(facts: ClockFacts, now: number, clock: ClockCalendar = PROCESS_CALENDAR): string[] {
  return planTimers(facts, clock)
    .filter((timer) => timer.dueAt <= now)
    .map((timer) => timer.identity);
}

/**
 * The longest the wake-up timer may sleep: the shortest delay any command can start a clock with
 * (a stage's follow-up cadence or stall SLA, the contract window). Commands never restart the
 * wake-up timer for those clocks; because it never sleeps longer than this, it wakes no later than
 * any clock a command has just started. New approvals re-arm it (see clockArmingSignature).
 */
export function clockCheckHorizonMs(): number {
  const days: number[] = [PSM_PROCESS.contractWindow.workingDays, PSM_PROCESS.ltc.handover.escalateAfterDays];
  // Every version's milestones: a deal on any of them may start any of their clocks.
  for (const milestone of processVersions().flatMap((v) => v.definition.milestones)) {
    if (milestone.followUpCadenceDays !== null) days.push(milestone.followUpCadenceDays);
    if (milestone.stallSlaDays !== null) days.push(milestone.stallSlaDays);
  }
  return daysToMs(Math.max(Math.min(...days), 1 / 24));
}

/** When the wake-up timer should next fire: the earliest due clock, but within the horizon. */
export function nextClockCheckAt(state: ClockFacts, now: number): number | null {
  const dues = planTimers(state).map((timer) => timer.dueAt);
  // A won deal waits only for its handover: wake exactly when that clock is due.
  if (state.status === 'won') return dues.length === 0 ? null : Math.min(...dues);
  if (state.status !== 'open') return null;
  return Math.min(now + clockCheckHorizonMs(), ...dues);
}

/**
 * Changes (without any threshold) when the wake-up timer must be re-armed rather than left to
 * run: the deal opened or closed, or an approval (whose reminder can be due sooner than the
 * horizon) was requested. Stage progress and logged activity only ever start clocks due after
 * the horizon, so they leave the armed timer alone — that is what keeps a milestone's history to
 * the Update itself.
 */
export function clockArmingSignature(state: OpportunityState): string {
  // LTC runs: a win whose handover is pending leaves the armed timer alone (it is due within the
  // horizon, no later than the handover's first escalation); the acceptance re-arms (to none).
  if (state.handover?.status === 'pending') return `open:${state.approvals.length}`;
  return `${state.status}:${state.approvals.length}`;
}

interface Escalation {
  key: string;
  template: NotificationTemplate;
  recipientUserId: string | null;
  level?: number;
  approvalId?: string;
}

/** Applies a fired timer: advances its ladder, journals, and queues the email it owes. */
export function fireTimer(state: OpportunityState, timer: PlannedTimer, now: number): void {
  const escalation = advance(state, timer, now);
  const approval = state.approvals.find((a) => a.id === escalation.approvalId);
  if (escalation.recipientUserId === null) {
    appendEvent(state, now, 'escalation_skipped', null, {
      key: escalation.key,
      kind: timer.kind,
      level: escalation.level ?? 0,
      milestone: stageMilestone(state).key,
      reason: 'nobody in the reporting line to send it to',
    });
    return;
  }
  queueNotification(state, now, {
    key: escalation.key,
    template: escalation.template,
    recipientUserId: escalation.recipientUserId,
    ...(escalation.level === undefined ? {} : { level: escalation.level }),
    ...(approval ? { approval } : {}),
    ...(timer.kind === 'handover' ? { handover: handoverFacts(state, now) } : {}),
    escalationKind: timer.kind,
  });
  // LTC runs: a stall on the way to a technical milestone also tells the SR (routing by role).
  if (timer.kind === 'stall' && state.team) {
    for (const member of membersInRoles(state, stallAlsoTells(state))) {
      if (member.userId === escalation.recipientUserId) continue;
      queueNotification(state, now, {
        key: `${escalation.key}:${member.role}`,
        template: escalation.template,
        recipientUserId: member.userId,
        ...(escalation.level === undefined ? {} : { level: escalation.level }),
        escalationKind: timer.kind,
      });
    }
  }
}

function advance(state: OpportunityState, timer: PlannedTimer, now: number): Escalation {
  const line = state.reportingLine;
  const stage = stageMilestone(state);
  switch (timer.kind) {
    case 'follow_up': {
      state.followUp = { anchor: iso(now), sent: state.followUp.sent + 1 };
      return {
        key: `${state.id}:follow_up:${state.followUp.sent}`,
        template: 'follow_up_reminder',
        recipientUserId: state.ownerId,
      };
    }
    case 'stall': {
      const level: EscalationLevel = state.stall.level === 0 ? 1 : 2;
      state.stall = { anchor: iso(now), level };
      if (level === 1) {
        appendEvent(state, now, 'sla_breached', null, {
          milestone: stage.key,
          milestoneIndex: stageIndex(state),
        });
      }
      return {
        key: `${state.id}:stall:${stage.key}:v${state.stageVisit}:l${level}`,
        template: 'stall_escalation',
        recipientUserId:
          level === 1 ? (line?.managerId ?? line?.directorId ?? null) : (line?.directorId ?? null),
        level,
      };
    }
    case 'approval_reminder':
    case 'approval_escalation': {
      const approval = state.approvals.find((a) => a.id === timer.approvalId);
      if (!approval)
        return {
          key: `${state.id}:approval:${timer.approvalId}:missing`,
          template: 'approval_reminder',
          recipientUserId: null,
        };
      const reminder = timer.kind === 'approval_reminder';
      approval.chaseLevel = reminder ? 1 : 2;
      approval.chaseAnchor = iso(now);
      return {
        key: `${state.id}:approval:${approval.id}:${reminder ? 'reminder' : 'escalation'}`,
        template: timer.kind,
        recipientUserId: reminder ? approval.approverId : approverManager(state, approval.approverId),
        ...(reminder ? {} : { level: 1 }),
        approvalId: approval.id,
      };
    }
    case 'handover': {
      const handover = state.handover;
      const level: 1 | 2 = (handover?.level ?? 0) === 0 ? 1 : 2;
      if (handover) {
        handover.level = level;
        handover.anchor = iso(now);
      }
      return {
        key: `${state.id}:handover:l${level}`,
        template: 'handover_escalation',
        recipientUserId: handoverEscalationRecipient(state, level),
        level,
      };
    }
    case 'contract_window': {
      if (state.contractWindow) state.contractWindow.escalated = true;
      return {
        key: `${state.id}:contract_window:v${state.stageVisit}`,
        template: 'contract_window_escalation',
        recipientUserId: line?.managerId ?? line?.directorId ?? null,
        level: 1,
      };
    }
  }
}

/** The armed timers as getState shows them. */
export function timersView(state: OpportunityState) {
  return planTimers(state).map((timer) => ({
    kind: timer.kind,
    dueAt: iso(timer.dueAt),
    level: timer.level,
    ...(timer.approvalId ? { approvalId: timer.approvalId } : {}),
    ...(timer.provisional ? { provisional: true } : {}),
  }));
}
