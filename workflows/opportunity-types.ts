// The opportunity workflow's public shapes: start input, commands, results and state.
// Types only; everything here is plain JSON so it survives continue-as-new and the API.

import type {
  ApprovalFacts,
  NotificationRequest,
  ProjectionEvent,
  ProjectionInput,
  ReportingLine,
} from '../src/contracts/activities';
import type {
  ActivityKind,
  ChecklistStepKey,
  MilestoneKey,
  StakeholderRole,
  StakeholderStance,
  TeamRole,
} from './psm-process';

export type ActorRole = 'rep' | 'manager' | 'director' | 'admin';

export interface Actor {
  userId: string;
  role: ActorRole;
}

/**
 * Which rule changes this run follows, each decided by a patch (see opportunity.ts), so runs
 * started before a change replay exactly as they ran.
 */
export interface RuleSet {
  /** Owner changes checked, approvals re-routed and never self-decided, reorganisations signalled. */
  authorization: boolean;
  /**
   * With the authorization rules: an approved gate or skip not used yet is re-routed (or voided)
   * like a pending one when the amount, owner or line changes (patched('psm-void-approved-on-change')).
   */
  approvedFollowDeal?: boolean;
  /**
   * Sales projects the LTC way (patched('psm-ltc-deal-team'), taken at start only): the deal team
   * and its roles, kickoff and plan, the closing summary, and the handover the delivery side
   * accepts before the deal completes.
   */
  ltc?: boolean;
}

export interface OpportunityStartInput {
  id: string;
  name: string;
  account: string;
  amount: number;
  currency: string;
  ownerId: string;
  /** 'YYYY-MM-DD' or a full ISO time. */
  expectedCloseDate?: string | null;
  createdBy: Actor;
  /** Set by continue-as-new: the previous run's full state. Callers never set it. */
  carried?: OpportunityState;
  /** Continue-as-new once history reaches this many events (at least 20); tests force it low. */
  historyLengthLimit?: number;
  /** The process version the deal runs on (workflows/process-versions.ts); the API sends the latest. Absent: 1. */
  processVersion?: number;
}

// ---- commands (Updates) -------------------------------------------------------------------

export interface CommandBase {
  /** Idempotency key chosen by the caller: a repeat returns the first result. */
  requestId: string;
  actor: Actor;
}

export interface CompleteMilestoneCommand extends CommandBase {
  milestone: MilestoneKey;
  criteriaMet: string[];
  evidence: string;
  links?: string[];
}

export interface SetChecklistItemCommand extends CommandBase {
  milestone: ChecklistStepKey;
  item: string;
  done: boolean;
}

export interface LogActivityCommand extends CommandBase {
  kind: ActivityKind;
  /** ISO time the visit / call / meeting / email happened. */
  occurredAt: string;
  note: string;
}

export type ApprovalKind = ApprovalFacts['kind'];

export interface RequestApprovalCommand extends CommandBase {
  kind: ApprovalKind;
  /** The gated milestone, or the milestone to skip. */
  milestone?: MilestoneKey;
  /** The discount asked for (for kind 'discount'). */
  amount?: number;
  reason: string;
}

export interface DecideApprovalCommand extends CommandBase {
  approvalId: string;
  decision: 'approved' | 'rejected';
  comment?: string;
}

export interface UpsertStakeholderCommand extends CommandBase {
  /** Absent: add a new stakeholder. Present: update that one. */
  id?: string;
  name: string;
  title?: string;
  role: StakeholderRole;
  stance: StakeholderStance;
}

export interface UpdateDealCommand extends CommandBase {
  amount?: number;
  expectedCloseDate?: string | null;
  /** Reassigns the deal; also re-reads the owner's reporting line (send the same id to refresh it). */
  ownerId?: string;
  name?: string;
  account?: string;
}

export interface MarkLostCommand extends CommandBase {
  reason: string;
  /** Who won instead, for the closing summary (LTC runs). */
  competitor?: string;
}

/** Puts someone on the deal team in a role; a single-holder role (AR, SR, FR, delivery) changes hands. */
export interface AssignTeamMemberCommand extends CommandBase {
  userId: string;
  role: TeamRole;
}

export interface RemoveTeamMemberCommand extends CommandBase {
  userId: string;
}

/** Flags the deal major (or not): a major deal needs its kickoff plan whatever its amount. */
export interface SetMajorDealCommand extends CommandBase {
  major: boolean;
  reason: string;
}

export interface PlanRisk {
  risk: string;
  ownerId: string;
  mitigation: string;
}

/** The kickoff (开工会) plan: recorded as evidence, then the deal is measured against it. */
export interface RecordProjectPlanCommand extends CommandBase {
  /** Planned local date ('YYYY-MM-DD') of every milestone not reached yet. */
  plannedDates: Partial<Record<MilestoneKey, string>>;
  /** When the customer is expected to decide ('YYYY-MM-DD'). */
  decisionDate: string;
  risks: PlanRisk[];
  competitors: string[];
  /** The kickoff meeting's minutes (evidence). */
  evidence: string;
}

/** The FR (or the named delivery owner) accepts the handover (交底会) documents. */
export interface AcceptHandoverCommand extends CommandBase {
  documents: string[];
  note?: string;
}

/** Lessons learnt for the closing summary (《销售项目总结报告》). */
export interface RecordClosingLessonsCommand extends CommandBase {
  lessons: string;
  /** Who won instead (a lost deal), if not given when it was marked lost. */
  competitor?: string;
}

export interface HoldCommand extends CommandBase {
  reason: string;
}

export type ResumeCommand = CommandBase;

export interface ReopenCommand extends CommandBase {
  reason: string;
}

/** From an escalation email's one-click link: the recipient has seen it. Journalled only. */
export interface AcknowledgeEscalationCommand extends CommandBase {
  /** The deal id (stall / contract-window escalations) or the approval id (approval escalations). */
  subjectId: string;
}

export interface CommandInputs {
  completeMilestone: CompleteMilestoneCommand;
  setChecklistItem: SetChecklistItemCommand;
  logActivity: LogActivityCommand;
  requestApproval: RequestApprovalCommand;
  decideApproval: DecideApprovalCommand;
  upsertStakeholder: UpsertStakeholderCommand;
  updateDeal: UpdateDealCommand;
  markLost: MarkLostCommand;
  hold: HoldCommand;
  resume: ResumeCommand;
  reopen: ReopenCommand;
  acknowledgeEscalation: AcknowledgeEscalationCommand;
  assignTeamMember: AssignTeamMemberCommand;
  removeTeamMember: RemoveTeamMemberCommand;
  setMajorDeal: SetMajorDealCommand;
  recordProjectPlan: RecordProjectPlanCommand;
  acceptHandover: AcceptHandoverCommand;
  recordClosingLessons: RecordClosingLessonsCommand;
}

export type CommandName = keyof CommandInputs;

/** What every command returns; a repeated requestId returns exactly this again. */
export interface CommandResult {
  requestId: string;
  command: CommandName;
  /** The deal's last event sequence number once the command was applied. */
  seq: number;
  /** False when the command asked for what was already true (e.g. ticking a ticked item). */
  changed: boolean;
  approvalId?: string;
  stakeholderId?: string;
  /**
   * The deal's snapshot and the events this command appended, for the caller to project into the
   * read model once the Update has committed. Absent when a repeated request id returns the first
   * result (that call projected it).
   */
  projection?: ProjectionInput;
}

// ---- state ----------------------------------------------------------------------------------

export type OpportunityStatus = 'open' | 'on_hold' | 'won' | 'lost';
export type EscalationLevel = 0 | 1 | 2;

export interface MilestoneRecord {
  reachedAt: string;
  skipped: boolean;
  criteriaMet: string[];
  evidence: string | null;
  links: string[];
  byId: string | null;
}

export interface ChecklistTick {
  done: boolean;
  at: string;
  byId: string;
}

export interface Stakeholder {
  id: string;
  name: string;
  title: string | null;
  role: StakeholderRole;
  stance: StakeholderStance;
  updatedAt: string;
}

export interface ApprovalRecord extends ApprovalFacts {
  decidedAt: string | null;
  /** The decider's role, kept since patched('psm-void-approved-on-change'). */
  decidedByRole?: ActorRole;
  /** 0 = waiting, 1 = approver reminded, 2 = escalated to the approver's manager. */
  chaseLevel: EscalationLevel;
  /** When the current chase delay started counting (request, last chase, or resume). */
  chaseAnchor: string;
}

export type EscalationKind =
  'follow_up' | 'stall' | 'approval_reminder' | 'approval_escalation' | 'contract_window' | 'handover';

/** A notification waiting to be sent, with what to journal once it is. */
export interface OutboxItem {
  request: NotificationRequest;
  /** Escalations are journalled as escalation_sent; plain notices as notification_sent. */
  escalationKind: EscalationKind | null;
}

export interface TeamMember {
  userId: string;
  role: TeamRole;
  addedAt: string;
  addedById: string;
  /** The member's own managers, from the directory when they joined: handover escalations go there. */
  managerId: string | null;
  directorId: string | null;
}

export interface ProjectPlan {
  version: number;
  recordedAt: string;
  recordedById: string;
  plannedDates: Partial<Record<MilestoneKey, string>>;
  decisionDate: string;
  risks: PlanRisk[];
  competitors: string[];
  evidence: string;
}

export interface HandoverState {
  status: 'pending' | 'accepted';
  /**
   * acceptance: the FR or delivery owner accepts the documents (a sales project: large, major, or
   * with a team or plan). checklist: a plain deal with nobody named; finishing the execution
   * checklist is the handover. Either way the ladder escalates while it waits.
   */
  mode: 'acceptance' | 'checklist';
  openedAt: string;
  /** When the current escalation delay started counting. */
  anchor: string;
  /** 0 = waiting, 1 = acceptor's manager told, 2 = director told. */
  level: EscalationLevel;
  acceptedAt: string | null;
  acceptedById: string | null;
  documents: string[];
  note: string | null;
}

/** Plan against actual for one milestone; slippage in days (positive = late), null while unknown. */
export interface MilestoneSlippage {
  milestone: MilestoneKey;
  plannedDate: string | null;
  actualDate: string | null;
  skipped: boolean;
  slippageDays: number | null;
}

/** 《销售项目总结报告》: written when the deal is won or lost. */
export interface ClosingSummary {
  outcome: 'won' | 'lost';
  createdAt: string;
  closedAt: string;
  durationDays: number;
  timeline: MilestoneSlippage[];
  decisionDate: { planned: string | null; actual: string };
  lostReason: string | null;
  competitor: string | null;
  competitors: string[];
  risks: PlanRisk[];
  team: { userId: string; role: TeamRole }[];
  lessons: string | null;
  lessonsById: string | null;
}

export interface RememberedRequest {
  requestId: string;
  result: CommandResult;
}

export interface OpportunityState {
  id: string;
  name: string;
  account: string;
  amount: number;
  currency: string;
  ownerId: string;
  expectedCloseDate: string | null;
  createdAt: string;
  createdById: string;
  /** The owner's reporting line; null until the first look-up returns. */
  reportingLine: ReportingLine | null;

  status: OpportunityStatus;
  lostReason: string | null;
  holdReason: string | null;
  closedAt: string | null;
  /** Set once the contract-execution checklist is complete; the workflow then ends. */
  executionCompletedAt: string | null;

  /** Index of the last milestone reached; -1 until project_initiation is reached. */
  reachedIndex: number;
  stageEnteredAt: string;
  /** Counts stage entries (progress and reopen) so escalation keys never repeat. */
  stageVisit: number;
  milestones: Partial<Record<MilestoneKey, MilestoneRecord>>;
  checklist: Partial<Record<ChecklistStepKey, Record<string, ChecklistTick>>>;
  stakeholders: Stakeholder[];
  approvals: ApprovalRecord[];
  lastActivityAt: string | null;

  followUp: { anchor: string; sent: number };
  stall: { anchor: string; level: EscalationLevel };
  /** Armed when the contract window's milestone is reached. */
  contractWindow: { anchor: string; escalated: boolean } | null;

  outbox: OutboxItem[];
  /** The most recent events (bounded); `seq` keeps counting across continue-as-new. */
  events: ProjectionEvent[];
  seq: number;
  /** Highest seq the read model has acknowledged. */
  projectedSeq: number;
  /** When the wake-up timer is due (runs with the history diet); absent or null otherwise. */
  clockCheckAt?: string | null;
  recentRequests: RememberedRequest[];

  // LTC runs only (rules.ltc); absent in runs started before it.
  team?: TeamMember[];
  major?: boolean;
  plan?: ProjectPlan | null;
  handover?: HandoverState | null;
  closing?: ClosingSummary | null;
  lostCompetitor?: string | null;

  // Process versions (patched('psm-process-versions')); absent = version 1, nothing owed.
  processVersion?: number;
  /** Criteria a migration made this deal owe: it reports them met at its next milestone completion. */
  owedCriteria?: { milestone: string; keys: string[] } | null;
  /** Results of migrateProcessVersion requests, for their idempotency (the newest few). */
  migrationRequests?: { requestId: string; result: unknown }[];
}
