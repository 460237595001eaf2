// What the LTC parts of a deal's state say (rules.ltc runs): its team, the plan against actual,
// the closing summary, the waiting handover. Pure reads over state; opportunity-ltc.ts changes it.

import type { ClosingSummaryFacts, HandoverFacts, LtcSnapshot } from '../src/contracts/activities';
import type { ClosingSummary, MilestoneSlippage, OpportunityState, TeamMember } from './opportunity-types';
import { PSM_PROCESS, daysToMs, type MilestoneKey, type TeamRole } from './psm-process';
import { definitionOf, milestoneIndexIn } from './process-versions';

const iso = (ms: number): string => new Date(ms).toISOString();

const DAY_MS = 24 * 60 * 60 * 1000;

/** The local calendar date ('YYYY-MM-DD') of an instant, on the sales team's calendar. */
export function localDate(epochMs: number): string {
  return new Date(epochMs + PSM_PROCESS.workCalendar.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Whole days from local date `from` to local date `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function teamOf(state: OpportunityState): TeamMember[] {
  return state.team ?? [];
}

export function memberOf(state: OpportunityState, userId: string): TeamMember | undefined {
  return teamOf(state).find((member) => member.userId === userId);
}

export function holderOf(state: OpportunityState, role: TeamRole): TeamMember | undefined {
  return teamOf(state).find((member) => member.role === role);
}

/** The team as shown: the AR is the owner unless someone else was named AR. */
export function teamView(state: OpportunityState): { userId: string; role: TeamRole; addedAt: string }[] {
  const team = teamOf(state).map(({ userId, role, addedAt }) => ({ userId, role, addedAt }));
  if (holderOf(state, 'AR')) return team;
  return [{ userId: state.ownerId, role: 'AR', addedAt: state.createdAt }, ...team];
}

/** Who accepts the handover: the named delivery owner, else the FR; null while neither is named. */
export function handoverAcceptor(state: OpportunityState): TeamMember | undefined {
  return holderOf(state, 'delivery') ?? holderOf(state, 'FR');
}

export function kickoffRequired(state: OpportunityState): boolean {
  return state.major === true || state.amount >= PSM_PROCESS.ltc.kickoff.fromAmount;
}

/** Run as a sales project (LTC): large or major, or given a team or a plan. Plain deals stay light. */
export function isProjectDeal(state: OpportunityState): boolean {
  return kickoffRequired(state) || teamOf(state).length > 0 || (state.plan ?? null) !== null;
}

/** Plan against actual for every milestone the plan names or the deal reached. */
export function slippage(state: OpportunityState): MilestoneSlippage[] {
  const planned = state.plan?.plannedDates ?? {};
  const rows: MilestoneSlippage[] = [];
  for (const milestone of definitionOf(state).milestones) {
    const key = milestone.key as MilestoneKey;
    const plannedDate = planned[key] ?? null;
    const record = state.milestones[key];
    if (plannedDate === null && !record) continue;
    const actualDate = record ? localDate(Date.parse(record.reachedAt)) : null;
    rows.push({
      milestone: key,
      plannedDate,
      actualDate,
      skipped: record?.skipped ?? false,
      slippageDays: plannedDate !== null && actualDate !== null ? daysBetween(plannedDate, actualDate) : null,
    });
  }
  return rows;
}

export function buildClosingSummary(state: OpportunityState, now: number): ClosingSummary {
  const plan = state.plan ?? null;
  return {
    outcome: state.status === 'won' ? 'won' : 'lost',
    createdAt: state.createdAt,
    closedAt: iso(now),
    durationDays: Math.max(0, Math.floor((now - Date.parse(state.createdAt)) / DAY_MS)),
    timeline: slippage(state),
    decisionDate: { planned: plan?.decisionDate ?? null, actual: localDate(now) },
    lostReason: state.status === 'lost' ? state.lostReason : null,
    competitor: state.status === 'lost' ? (state.lostCompetitor ?? null) : null,
    competitors: plan?.competitors ?? [],
    risks: plan?.risks ?? [],
    team: teamView(state).map(({ userId, role }) => ({ userId, role })),
    lessons: null,
    lessonsById: null,
  };
}

export function handoverFacts(state: OpportunityState, now: number): HandoverFacts {
  const accepted = state.handover?.documents ?? [];
  return {
    acceptorId: handoverAcceptor(state)?.userId ?? null,
    documents: PSM_PROCESS.ltc.handover.documents.map((d) => d.key).filter((key) => !accepted.includes(key)),
    waitingDays: state.handover
      ? Math.max(0, Math.floor((now - Date.parse(state.handover.openedAt)) / DAY_MS))
      : 0,
  };
}

/** When the waiting handover's next escalation is due; null once accepted or fully escalated. */
export function handoverDueAt(handover: { status: string; anchor: string; level: number }): number | null {
  if (handover.status !== 'pending' || handover.level >= 2) return null;
  const { escalateAfterDays, directorAfterDays } = PSM_PROCESS.ltc.handover;
  return Date.parse(handover.anchor) + daysToMs(handover.level === 0 ? escalateAfterDays : directorAfterDays);
}

/** Whom the waiting handover is escalated to at `level`: the acceptor's managers, else the owner's. */
export function handoverEscalationRecipient(state: OpportunityState, level: 1 | 2): string | null {
  const acceptor = handoverAcceptor(state);
  const line = state.reportingLine;
  if (acceptor && (acceptor.managerId !== null || acceptor.directorId !== null)) {
    return level === 1 ? (acceptor.managerId ?? acceptor.directorId) : acceptor.directorId;
  }
  return level === 1 ? (line?.managerId ?? line?.directorId ?? null) : (line?.directorId ?? null);
}

/** Team members in `roles` (not the owner, who gets the mail anyway). */
export function membersInRoles(state: OpportunityState, roles: readonly TeamRole[]): TeamMember[] {
  return teamOf(state).filter((m) => roles.includes(m.role) && m.userId !== state.ownerId);
}

/** Roles told of a stall while the deal works towards the milestone after its current stage. */
export function stallAlsoTells(state: OpportunityState): readonly TeamRole[] {
  const next = definitionOf(state).milestones[state.reachedIndex + 1]?.key;
  const table = PSM_PROCESS.ltc.stallAlsoTells as Readonly<Record<string, readonly TeamRole[]>>;
  return next === undefined ? [] : (table[next] ?? []);
}

export function ltcSnapshot(state: OpportunityState): LtcSnapshot {
  const plannedIndex = (key: string) => milestoneIndexIn(definitionOf(state), key);
  const handover = state.handover ?? null;
  const due = handover ? handoverDueAt(handover) : null;
  return {
    team: teamView(state),
    major: state.major === true,
    kickoffRequired: kickoffRequired(state),
    planRecordedAt: state.plan?.recordedAt ?? null,
    decisionDate: state.plan?.decisionDate ?? null,
    plan: slippage(state).map((row) => ({ ...row, milestoneIndex: plannedIndex(row.milestone) })),
    handover: handover
      ? {
          status: handover.status,
          acceptorId: handoverAcceptor(state)?.userId ?? null,
          openedAt: handover.openedAt,
          dueAt: due === null ? null : iso(due),
          level: handover.level,
          acceptedAt: handover.acceptedAt,
          acceptedById: handover.acceptedById,
        }
      : null,
    closingSummary: (state.closing ?? null) as ClosingSummaryFacts | null,
    executionCompletedAt: state.executionCompletedAt,
  };
}
