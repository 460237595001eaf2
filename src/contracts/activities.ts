// The shapes that cross the workflow/activity boundary. Types only: workflows import this file,
// so it must never import a runtime module.

export interface ReportingLine {
  userId: string;
  /** The user's manager, if any. */
  managerId: string | null;
  /** The manager's manager (the director level), if any. */
  directorId: string | null;
  /** Every user above `userId`, nearest first. */
  chain: string[];
  /** False when the directory has the user deactivated (absent in answers recorded before it was added). */
  active?: boolean;
  /**
   * The admin who decides an approval nobody in the line may (the requester stands at the top of
   * it): the longest-serving active admin; null if there is none. Absent in older answers.
   */
  adminId?: string | null;
}

/** What every email about a deal shows. Dates are ISO strings. */
export interface DealFacts {
  opportunityId: string;
  name: string;
  account: string;
  amount: number;
  currency: string;
  ownerId: string;
  milestone: string;
  milestoneIndex: number;
  daysInStage: number;
  lastActivityAt: string | null;
  /** Human-readable labels (中文 / English are chosen by the template from the keys) of criteria not yet met. */
  missingCriteria: string[];
  noSponsorWarning: boolean;
}

export type NotificationTemplate =
  | 'follow_up_reminder'
  | 'stall_escalation'
  | 'approval_request'
  | 'approval_reminder'
  | 'approval_escalation'
  | 'decision_notice'
  | 'contract_window_escalation'
  | 'handover_request'
  | 'handover_escalation'
  | 'closing_summary';

export interface ApprovalFacts {
  id: string;
  kind: 'milestone_gate' | 'skip_milestone' | 'discount';
  milestone: string | null;
  amount: number | null;
  reason: string | null;
  requestedById: string;
  approverId: string;
  requestedAt: string;
  status: 'pending' | 'approved' | 'rejected' | 'cancelled';
  decidedById: string | null;
  comment: string | null;
}

/** What the email activity reports back about one delivered notification. */
export interface NotificationDelivery {
  /**
   * Resent (same Message-ID) after an earlier attempt that may already have been accepted by the
   * mail server: the recipient may see it twice.
   */
  possiblyDuplicated: boolean;
  /**
   * The recipient's IM channels that refused this notification for good before it fell back to
   * email (issue 13): the channel kind and its reason code only, no platform ids. Absent when none.
   */
  channelFailures?: { channel: string; reason: string }[];
}

export interface NotificationRequest {
  /** Unique per escalation event, e.g. `${opportunityId}:stall:2:l1`; the same key is sent once. */
  key: string;
  template: NotificationTemplate;
  recipientUserId: string;
  /** 1 = manager, 2 = director, for escalations. */
  level?: number;
  deal: DealFacts;
  approval?: ApprovalFacts;
  /** handover_request / handover_escalation: what the acceptor is asked to accept. */
  handover?: HandoverFacts;
  /** closing_summary: the 《销售项目总结报告》. */
  closing?: ClosingSummaryFacts;
}

export interface HandoverFacts {
  acceptorId: string | null;
  /** Document keys still to accept (all of them until the acceptance). */
  documents: string[];
  waitingDays: number;
}

export interface MilestonePlanFacts {
  milestone: string;
  plannedDate: string | null;
  actualDate: string | null;
  skipped: boolean;
  slippageDays: number | null;
}

export interface ClosingSummaryFacts {
  outcome: 'won' | 'lost';
  createdAt: string;
  closedAt: string;
  durationDays: number;
  timeline: MilestonePlanFacts[];
  decisionDate: { planned: string | null; actual: string };
  lostReason: string | null;
  competitor: string | null;
  competitors: string[];
  risks: { risk: string; ownerId: string; mitigation: string }[];
  team: { userId: string; role: string }[];
  lessons: string | null;
  lessonsById: string | null;
}

/** The deal team, plan, handover and closing summary (LTC runs); absent for runs started before. */
export interface LtcSnapshot {
  team: { userId: string; role: string; addedAt: string }[];
  major: boolean;
  kickoffRequired: boolean;
  planRecordedAt: string | null;
  decisionDate: string | null;
  plan: (MilestonePlanFacts & { milestoneIndex: number })[];
  handover: {
    status: 'pending' | 'accepted';
    acceptorId: string | null;
    openedAt: string;
    dueAt: string | null;
    level: number;
    acceptedAt: string | null;
    acceptedById: string | null;
  } | null;
  closingSummary: ClosingSummaryFacts | null;
  executionCompletedAt: string | null;
}

export interface ProjectionEvent {
  seq: number;
  type: string;
  actorId: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

export interface OpportunitySnapshot {
  id: string;
  name: string;
  account: string;
  amount: number;
  currency: string;
  ownerId: string;
  milestone: string;
  milestoneIndex: number;
  probability: number;
  status: 'open' | 'on_hold' | 'won' | 'lost';
  expectedCloseDate: string | null;
  stageEnteredAt: string;
  lastActivityAt: string | null;
  escalationLevel: number;
  stalled: boolean;
  noSponsorWarning: boolean;
  lostReason: string | null;
  createdAt: string;
  closedAt: string | null;
  /** Sequence number of the last event included in this snapshot. */
  seq: number;
  ltc?: LtcSnapshot;
  /** The process version the deal runs on; absent from deals started before versions (= 1). */
  processVersion?: number;
}

/**
 * One projection call: the current snapshot plus every event since the last acknowledged call.
 * Event types and payloads the read model understands:
 * - created {}
 * - milestone_reached { milestone, milestoneIndex, skipped: boolean }
 * - activity_logged { kind, note, occurredAt }
 * - approval_requested { approvalId, kind, milestone, approverId, amount, reason }
 * - approval_decided { approvalId, decision: 'approved' | 'rejected' | 'cancelled', comment }
 * - escalation_sent { key, kind, level, milestone, recipientIds: string[] }
 * - sla_breached { milestone, milestoneIndex }
 * - process_version_migrated { fromVersion, toVersion, milestone: { from, to }, milestoneIndex: { from, to }, mustMeet, clocks }
 * - won {}, lost { reason }, on_hold { reason }, resumed {}, reopened { reason }
 * - any other type is journalled only (checklist_ticked, stakeholder_upserted, fields_updated, ...).
 */
export interface ProjectionInput {
  snapshot: OpportunitySnapshot;
  events: ProjectionEvent[];
}

/** What a deal's clocks depend on (a subset of the opportunity workflow's state). */
export interface ClockFacts {
  status: 'open' | 'on_hold' | 'won' | 'lost';
  reachedIndex: number;
  stageVisit: number;
  followUp: { anchor: string; sent: number };
  stall: { anchor: string; level: 0 | 1 | 2 };
  approvals: { id: string; status: ApprovalFacts['status']; chaseLevel: 0 | 1 | 2; chaseAnchor: string }[];
  contractWindow: { anchor: string; escalated: boolean } | null;
  /** A won deal waiting for its handover acceptance (LTC runs). */
  handover?: { status: 'pending' | 'accepted'; anchor: string; level: 0 | 1 | 2 } | null;
  /** The process version the deal runs on (absent: 1), whose milestones the clocks follow. */
  processVersion?: number;
}

/** The opportunity workflow's wake-up: which clocks are due, and how far the read model got. */
export interface ClockCheckInput {
  opportunityId: string;
  /** The deal's owner, whose reporting line is read afresh. */
  ownerId: string;
  /** The workflow's time when it woke (ISO). */
  now: string;
  facts: ClockFacts;
}

export interface ClockCheckResult {
  /** Identities of the clocks due at `now`, in plan order. */
  due: string[];
  /** The read model's last contiguous event seq for the deal; null if it could not be read. */
  readModelSeq: number | null;
  /**
   * The owner's reporting line as the directory has it now (managers move), or null if it could
   * not be read. Absent in answers recorded before it was added.
   */
  reportingLine?: ReportingLine | null;
}

/** The weekly report run: the week just ended (ISO instants, `to` exclusive) and who gets it. */
export interface WeeklyReportPlan {
  isoWeek: string;
  from: string;
  to: string;
  /** Active managers and directors, in a stable order. */
  recipientIds: string[];
}

export interface WeeklyReportMailRequest {
  recipientId: string;
  isoWeek: string;
  from: string;
  to: string;
  /** "Now" for the report's point-in-time numbers (days in stage, stalled list, plan progress). */
  asOf: string;
}

/** One deal's step of a bulk process migration (issue 17): the migrateProcessVersion Update. */
export interface DealMigrationRequest {
  opportunityId: string;
  toVersion: number;
  dryRun: boolean;
  /** Derived from the bulk run and the deal, so a retried attempt is answered by the first result. */
  requestId: string;
  actor: { userId: string; role: 'rep' | 'manager' | 'director' | 'admin' };
}

export interface DealMigrationOutcome {
  opportunityId: string;
  /** migrated: moved to the version; unchanged: already on it (or a dry run); refused: see code. */
  outcome: 'migrated' | 'unchanged' | 'planned' | 'refused';
  fromVersion: number | null;
  /** The milestone the deal sits at before and after (the plan's last step), when it was planned. */
  milestone: { from: string | null; to: string | null } | null;
  mustMeet: string[];
  code: string | null;
  message: string | null;
}

/**
 * Everything a workflow may ask of the outside world. `createActivities(deps)` implements it.
 * A type alias, not an interface, so it fits the worker's `Record<string, ActivityFunction>`.
 */
export type Activities = {
  lookupReportingLine(userId: string): Promise<ReportingLine>;
  /** Ids of the open (or on-hold) deals owned by `userId` or anyone below them, from the read model. */
  listOpenDealsInLine(userId: string): Promise<string[]>;
  projectOpportunity(input: ProjectionInput): Promise<void>;
  /**
   * Run as a local activity so its answer is recorded in history: the due decision is made with
   * the thresholds in force when the deal woke, and a replay applies the recorded answer.
   */
  checkClocks(input: ClockCheckInput): Promise<ClockCheckResult>;
  /** void: runs recorded before deliveries reported anything. */
  sendNotification(input: NotificationRequest): Promise<NotificationDelivery | void>;
  planWeeklyReport(input: { asOf: string }): Promise<WeeklyReportPlan>;
  /** Sends at most once per (week, recipient); `alreadySent` when an earlier attempt or run did. */
  sendWeeklyReport(input: WeeklyReportMailRequest): Promise<{ key: string; alreadySent: boolean }>;
  /** Sends one deal's migrateProcessVersion Update (the bulk process migration's step). */
  migrateDealToVersion(input: DealMigrationRequest): Promise<DealMigrationOutcome>;
};
