// The shapes the page reads from the API (the fields it uses; the API's OpenAPI document has all).
import type { Bilingual, KeyedLabel, ProcessDefinition } from '../../../workflows/psm-process';

export type { Bilingual, KeyedLabel, ProcessDefinition };
export type Role = 'rep' | 'manager' | 'director' | 'admin';
export type DealStatus = 'open' | 'on_hold' | 'won' | 'lost';

export interface User {
  id: string;
  name: string;
  email: string;
  locale: 'zh-CN' | 'en';
  role: Role;
  managerId: string | null;
  active: boolean;
}

export interface DealSummary {
  id: string;
  name: string;
  account: string;
  ownerId: string;
  amount: number;
  currency: string;
  milestone: string;
  milestoneIndex: number;
  probability: number;
  status: DealStatus;
  stageEnteredAt: string;
  stalled: boolean;
  escalationLevel: number;
  noSponsorWarning: boolean;
}

export interface DealList {
  opportunities: DealSummary[];
  total: number;
}

export interface Approval {
  id: string;
  kind: 'milestone_gate' | 'skip_milestone' | 'discount';
  status: 'pending' | 'approved' | 'rejected' | 'cancelled';
  milestone: string | null;
  amount: number | null;
  reason: string | null;
  comment: string | null;
  requestedById: string;
  approverId: string;
  requestedAt: string;
  decidedAt: string | null;
  decidedById: string | null;
  chaseLevel: number;
}

export interface PendingApproval extends Approval {
  opportunityId: string;
  opportunityName: string;
  account: string;
}

export interface DealMilestone {
  key: string;
  index: number;
  name: Bilingual;
  winPct: number;
  buyerStage: Bilingual;
  rule: 'all' | 'any';
  criteria: KeyedLabel[];
  checklist: (KeyedLabel & { done: boolean; at?: string | null })[];
  approvalGate: (KeyedLabel & { status: Approval['status'] | null }) | null;
  progress: 'reached' | 'skipped' | 'next' | 'current' | 'future' | string;
  reachedAt: string | null;
}

export interface DealEvent {
  type: string;
  occurredAt: string;
  actorId: string | null;
  payload: Record<string, unknown> | null;
}

export interface Deal extends DealSummary {
  milestones: DealMilestone[];
  nextMilestone: string | null;
  reachedIndex: number;
  daysInStage: number;
  lastActivityAt: string | null;
  expectedCloseDate: string | null;
  holdReason: string | null;
  lostReason: string | null;
  execution: {
    key: string;
    name: Bilingual;
    open: boolean;
    checklist: (KeyedLabel & { done: boolean; at?: string | null })[];
  };
  approvals: Approval[];
  timers: { kind: string; level: number; dueAt: string }[];
  stakeholders: { name: string; title: string | null; role: string; stance: string }[];
  events: DealEvent[];
  reportingLine?: { chain: string[] } | null;
}
