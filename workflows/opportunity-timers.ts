// The deal's clocks: which reminders and escalations are armed, when each is due, and what
// happens when one fires. The workflow runs one durable timer per armed clock.
//
// Replay safety: a clock's identity and the order clocks are armed in come from state alone
// (anchors, levels, ids), never from a threshold; thresholds only set each timer's duration. When
// a timer fires, the workflow applies the clock it was started for if that identity is still
// planned, without comparing due times again. Replaying a history after a process owner changed
// an SLA or a delay therefore starts and fires the same timers in the same order (the server, not
// the code, says when each fired), and running deals keep replaying.

import type { NotificationTemplate } from '../activities/contracts';
import type { EscalationKind, EscalationLevel, OpportunityState } from './opportunity-types';
import { PSM_PROCESS, daysToMs } from './psm-process';
import { addWorkingDays } from './working-days';
import { appendEvent, iso, stageIndex, stageMilestone } from './opportunity-state';
import { approverManager } from './opportunity-permissions';
import { queueNotification } from './opportunity-notifications';

export interface PlannedTimer {
  kind: EscalationKind;
  /** What this timer is for, from state alone; a fired timer whose identity is gone is stale. */
  identity: string;
  dueAt: number;
  /** The escalation level firing it reaches (0 for reminders to the rep or approver). */
  level: EscalationLevel;
  approvalId?: string;
}

const at = (anchor: string, days: number): number => Date.parse(anchor) + daysToMs(days);

/** Every armed clock, in a fixed order (never sorted by due time); empty unless the deal is open. */
export function planTimers(state: OpportunityState): PlannedTimer[] {
  if (state.status !== 'open') return [];
  const stage = stageMilestone(state);
  const plan: PlannedTimer[] = [];

  if (stage.followUpCadenceDays !== null) {
    const { anchor, sent } = state.followUp;
    plan.push({
      kind: 'follow_up',
      identity: `follow_up:${sent}:${anchor}`,
      dueAt: at(anchor, stage.followUpCadenceDays),
      level: 0,
    });
  }

  if (stage.stallSlaDays !== null && state.stall.level < 2) {
    const { anchor, level } = state.stall;
    const delay = level === 0 ? stage.stallSlaDays : PSM_PROCESS.stallEscalation.directorAfterDays;
    plan.push({
      kind: 'stall',
      identity: `stall:${state.stageVisit}:${level}:${anchor}`,
      dueAt: at(anchor, delay),
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
      dueAt: at(approval.chaseAnchor, reminder ? reminderAfterDays : escalateAfterReminderDays),
      level: reminder ? 0 : 1,
      approvalId: approval.id,
    });
  }

  if (state.contractWindow && !state.contractWindow.escalated) {
    const { anchor } = state.contractWindow;
    plan.push({
      kind: 'contract_window',
      identity: `contract_window:${state.stageVisit}:${anchor}`,
      dueAt: addWorkingDays(
        Date.parse(anchor),
        PSM_PROCESS.contractWindow.workingDays,
        PSM_PROCESS.workCalendar,
      ),
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
  ]);
}

export function isStillPlanned(state: OpportunityState, timer: PlannedTimer): boolean {
  return planTimers(state).some((planned) => planned.identity === timer.identity);
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
    escalationKind: timer.kind,
  });
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
  }));
}
