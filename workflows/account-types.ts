// Types of the account workflow (one per account, workflows/account.ts): its state, its journal,
// its commands and the activities it calls. Pure types: imported by the API and activities too.

import type { Actor } from './opportunity-types';

export type FunnelStep = 'target' | 'listed' | 'potential' | 'intent' | 'order' | 'active';

export const FUNNEL_STEPS: readonly FunnelStep[] = [
  'target',
  'listed',
  'potential',
  'intent',
  'order',
  'active',
];

/** Why an account changed owner (AccountOwnerChange.reason). */
export type OwnerChangeReason = 'claim' | 'release' | 'lapse' | 'assign' | 'move' | 'handover';

/** One entry of the account's journal (AccountEvent): who, when, what, the evidence. */
export interface AccountEvent {
  seq: number;
  type: AccountEventType;
  actorId: string | null;
  at: string;
  data: Record<string, unknown>;
}

/**
 * - owner_changed { from, to, reason, note? }  (every claim, release, lapse, assign, move, handover)
 * - funnel_moved { from, to, ownerId, evidence }
 * - sales_action { kind, opportunityId?, note?, lapsesAt, warnsAt }
 * - business_signal { signal, note? }
 * - deal_linked { opportunityId, milestoneIndex, open }
 * - protection_changed { protected, opportunityIds }
 * - claim_warned { ownerId, lapsesAt }
 * - notification_sent / notification_failed { key, kind, recipientId, error? }
 */
export type AccountEventType =
  | 'owner_changed'
  | 'funnel_moved'
  | 'sales_action'
  | 'business_signal'
  | 'deal_linked'
  | 'protection_changed'
  | 'claim_warned'
  | 'notification_sent'
  | 'notification_failed';

export interface LinkedDeal {
  milestoneIndex: number;
  open: boolean;
}

export interface ClaimNotice {
  /** Idempotency key: `${accountId}:${kind}:${generation}:${recipient}`. */
  key: string;
  kind: 'claim_warning' | 'claim_lapsed';
  accountId: string;
  /** The rep the claim belonged to. */
  ownerId: string;
  /** 'owner': the rep; 'manager': the rep's manager (looked up when sent). */
  recipient: 'owner' | 'manager';
  lapsesAt: string;
}

export interface AccountState {
  accountId: string;
  funnelStep: FunnelStep;
  ownerId: string | null;
  claimedAt: string | null;
  lastSalesActionAt: string | null;
  lapsesAt: string | null;
  warnsAt: string | null;
  /** The warning of the current clock went out (or was due while protected). */
  warned: boolean;
  /** Bumped whenever the claim clock restarts or stops; a timer only fires for its own generation. */
  clockGeneration: number;
  protected: boolean;
  deals: Record<string, LinkedDeal>;
  /** userId -> ISO instant until which that rep may not claim this account again. */
  coolDowns: Record<string, string>;
  seq: number;
  projectedSeq: number;
  /** The last events (the read model keeps them all). */
  events: AccountEvent[];
  /** Results of the last commands, by request id (idempotency). */
  results: AccountCommandResult[];
  outbox: ClaimNotice[];
}

/** What the getAccountState query answers and every command returns. */
export interface AccountView {
  accountId: string;
  funnelStep: FunnelStep;
  ownerId: string | null;
  claimedAt: string | null;
  lastSalesActionAt: string | null;
  lapsesAt: string | null;
  warnsAt: string | null;
  protected: boolean;
  coolDowns: Record<string, string>;
  deals: Record<string, LinkedDeal>;
  seq: number;
  events: AccountEvent[];
}

export interface AccountCommandBase {
  requestId: string;
  actor: Actor;
}

export interface AccountCommandInputs {
  claim: AccountCommandBase;
  release: AccountCommandBase & { note?: string };
  assign: AccountCommandBase & { toUserId: string; note?: string };
  move: AccountCommandBase & { toUserId: string; note?: string };
  handover: AccountCommandBase & { fromUserId: string; toUserId: string; note?: string };
  logSalesAction: AccountCommandBase & { kind: string; note?: string; opportunityId?: string };
  recordBusinessSignal: AccountCommandBase & { signal: string; note?: string };
  dealOpened: AccountCommandBase & { opportunityId: string };
  dealProgressed: AccountCommandBase & { opportunityId: string; milestoneIndex: number; open: boolean };
  dealWon: AccountCommandBase & { opportunityId: string };
  handoverFinished: AccountCommandBase & { opportunityId: string };
}

export type AccountCommandName = keyof AccountCommandInputs;

export interface AccountCommandResult {
  requestId: string;
  command: AccountCommandName;
  seq: number;
  /** Nothing changed (e.g. a deal event about a deal already known, a release of a pool account by handover). */
  unchanged?: boolean;
}

/** What the read model holds about an account before its workflow exists (backfill, CSV import, API). */
export interface StoredAccount {
  ownerId: string | null;
  funnelStep: FunnelStep;
  claimedAt: string | null;
  lastSalesActionAt: string | null;
}

export interface AccountStartInput {
  accountId: string;
  carried?: AccountState;
  /** The account's stored owner and step, for a workflow started on an account that already has them. */
  stored?: StoredAccount;
  /** Tests only: continue-as-new after this many history events. */
  historyLengthLimit?: number;
}

// ---- activities --------------------------------------------------------------------------------

export interface ClaimReservationRequest {
  /** The Update's request id: a retry of the same request gets the same answer. */
  requestId: string;
  accountId: string;
  userId: string;
  kind: 'claim' | 'assign' | 'move' | 'handover';
  /** ISO instant of the command (the workflow's clock): the local day the daily limit counts. */
  at: string;
}

export type ClaimReservation =
  | { ok: true }
  | { ok: false; code: 'CLAIM_CAP_REACHED'; current: number; cap: number }
  | { ok: false; code: 'CLAIM_DAILY_LIMIT'; today: number; limit: number };

export interface AccountProjection {
  view: AccountView;
  events: AccountEvent[];
}

export interface AccountActivities {
  /** Atomically counts the rep's holdings (cap) and today's claims (daily limit) and records this one. */
  reserveClaim(request: ClaimReservationRequest): Promise<ClaimReservation>;
  /** The rep no longer holds the account (release, lapse, moved away). Idempotent. */
  releaseClaim(request: { accountId: string; userId: string }): Promise<void>;
  /** Writes the journal (by seq, idempotent) and the Account columns. */
  projectAccount(projection: AccountProjection): Promise<void>;
  /** Tells the rep or their manager about a warning or lapse (IM first, email fallback); once per key. */
  sendClaimNotice(notice: ClaimNotice): Promise<{ sent: boolean; channel?: string }>;
}
