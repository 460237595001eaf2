// The claim (报备) rules and the six-step funnel as pure functions over an account's state: what a
// command may do (validate: refusals with typed codes, run as Update validators) and what it does
// (apply: journal entries, funnel moves, the claim clock). The numbers come from
// PSM_PROCESS.customerFunnel; the workflow (account.ts) only runs timers and activities.

import { refuse, refuseInput } from './opportunity-errors';
import { requireActor } from './opportunity-permissions';
import { requireText, TEXT_LIMITS } from './opportunity-input';
import { milestoneIndexOf, PSM_PROCESS } from './psm-process';
import { workingDaysDue } from './working-days';
import {
  FUNNEL_STEPS,
  type AccountCommandInputs,
  type AccountCommandName,
  type AccountEvent,
  type AccountEventType,
  type AccountState,
  type AccountView,
  type ClaimNotice,
  type FunnelStep,
  type OwnerChangeReason,
  type StoredAccount,
} from './account-types';
import type { Actor } from './opportunity-types';

const FUNNEL = PSM_PROCESS.customerFunnel;
const RULES = FUNNEL.claims;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Events kept in state (the read model keeps every one). */
const EVENTS_KEPT = 200;
/** Request ids remembered for idempotency. */
const RESULTS_KEPT = 300;

export const iso = (ms: number): string => new Date(ms).toISOString();

export function createAccountState(accountId: string): AccountState {
  return {
    accountId,
    funnelStep: 'target',
    ownerId: null,
    claimedAt: null,
    lastSalesActionAt: null,
    lapsesAt: null,
    warnsAt: null,
    warned: false,
    clockGeneration: 0,
    protected: false,
    deals: {},
    coolDowns: {},
    seq: 0,
    projectedSeq: 0,
    events: [],
    results: [],
    outbox: [],
  };
}

/**
 * A workflow started on an account the read model already gives an owner or a step (the deals
 * backfill, a CSV import, the API): it starts from them instead of the pool. The claim clock gets
 * a full period from now, the first command on the account: nobody could log an action on it
 * before it had a clock. Nothing is journalled (no owner changed); the first command's projection
 * writes the clock into the row.
 */
export function adoptStoredAccount(state: AccountState, stored: StoredAccount, now: number): void {
  if (FUNNEL_STEPS.includes(stored.funnelStep)) state.funnelStep = stored.funnelStep;
  if (typeof stored.ownerId === 'string' && stored.ownerId !== '') {
    state.ownerId = stored.ownerId;
    state.claimedAt = stored.claimedAt ?? iso(now);
    if (state.funnelStep === 'target') state.funnelStep = 'listed';
  } else if (state.funnelStep === 'listed') state.funnelStep = 'target';
  state.lastSalesActionAt = stored.lastSalesActionAt;
  restartClock(state, now);
}

export function toAccountView(state: AccountState): AccountView {
  return {
    accountId: state.accountId,
    funnelStep: state.funnelStep,
    ownerId: state.ownerId,
    claimedAt: state.claimedAt,
    lastSalesActionAt: state.lastSalesActionAt,
    lapsesAt: state.lapsesAt,
    warnsAt: state.warnsAt,
    protected: state.protected,
    coolDowns: { ...state.coolDowns },
    deals: { ...state.deals },
    seq: state.seq,
    events: state.events.slice(-50),
  };
}

export function appendAccountEvent(
  state: AccountState,
  now: number,
  type: AccountEventType,
  actorId: string | null,
  data: Record<string, unknown>,
): AccountEvent {
  state.seq += 1;
  const event: AccountEvent = { seq: state.seq, type, actorId, at: iso(now), data };
  state.events.push(event);
  if (state.events.length > EVENTS_KEPT) {
    // Only events the read model holds are dropped; the rest wait for the projection.
    const drop = state.events.findIndex((e) => e.seq > state.projectedSeq);
    const removable = drop === -1 ? state.events.length : drop;
    state.events.splice(0, Math.min(removable, state.events.length - EVENTS_KEPT));
  }
  return event;
}

export function rememberAccountResult(state: AccountState, result: AccountState['results'][number]): void {
  state.results.push(result);
  if (state.results.length > RESULTS_KEPT) state.results.splice(0, state.results.length - RESULTS_KEPT);
}

export function rememberedAccountResult(state: AccountState, requestId: string) {
  return state.results.find((r) => r.requestId === requestId);
}

const stepIndex = (step: FunnelStep): number => FUNNEL_STEPS.indexOf(step);
const isManagerOrAbove = (actor: Actor): boolean => actor.role !== 'rep';

function protectIndex(): number {
  return milestoneIndexOf(RULES.protectFromMilestone);
}

/** Whether the claim clock runs at all: a holder, not protected, not an active customer kept. */
export function clockRuns(state: AccountState): boolean {
  if (state.ownerId === null || state.protected) return false;
  return !(state.funnelStep === 'active' && RULES.activeStaysWithOwner);
}

/** Restarts the claim clock from `now` (a claim, a sales action, a new owner) or stops it. */
export function restartClock(state: AccountState, now: number): void {
  state.clockGeneration += 1;
  state.warned = false;
  if (!clockRuns(state)) {
    state.lapsesAt = null;
    state.warnsAt = null;
    return;
  }
  const calendar = PSM_PROCESS.workCalendar;
  state.lapsesAt = iso(workingDaysDue(now, RULES.lapseWorkingDays, calendar).dueAt);
  const warnAfter = Math.max(0, RULES.lapseWorkingDays - RULES.warnWorkingDaysBefore);
  state.warnsAt = iso(workingDaysDue(now, warnAfter, calendar).dueAt);
}

/** The next clock event: the warning until it went out, then the lapse; null when none runs. */
export function nextClock(
  state: AccountState,
): { kind: 'warn' | 'lapse'; at: number; generation: number } | null {
  if (!clockRuns(state) || state.lapsesAt === null) return null;
  if (!state.warned && state.warnsAt !== null && state.warnsAt < state.lapsesAt)
    return { kind: 'warn', at: Date.parse(state.warnsAt), generation: state.clockGeneration };
  return { kind: 'lapse', at: Date.parse(state.lapsesAt), generation: state.clockGeneration };
}

function moveStep(
  state: AccountState,
  now: number,
  to: FunnelStep,
  actorId: string | null,
  evidence: object,
): void {
  if (stepIndex(to) <= stepIndex(state.funnelStep)) return;
  appendAccountEvent(state, now, 'funnel_moved', actorId, {
    from: state.funnelStep,
    to,
    ownerId: state.ownerId,
    evidence,
  });
  state.funnelStep = to;
}

function changeOwner(
  state: AccountState,
  now: number,
  to: string | null,
  reason: OwnerChangeReason,
  actorId: string | null,
  note?: string,
): void {
  const from = state.ownerId;
  appendAccountEvent(state, now, 'owner_changed', actorId, {
    from,
    to,
    reason,
    ...(note === undefined ? {} : { note }),
  });
  state.ownerId = to;
  state.claimedAt = to === null ? null : iso(now);
  if (to === null && state.funnelStep === 'listed') {
    appendAccountEvent(state, now, 'funnel_moved', actorId, {
      from: 'listed',
      to: 'target',
      ownerId: from,
      evidence: { reason },
    });
    state.funnelStep = 'target';
  }
  if (to !== null && state.funnelStep === 'target') moveStep(state, now, 'listed', actorId, { reason });
  restartClock(state, now);
}

function recomputeProtection(state: AccountState, now: number, actorId: string | null): void {
  const threshold = protectIndex();
  const protecting = Object.entries(state.deals)
    .filter(([, deal]) => deal.open && deal.milestoneIndex >= threshold)
    .map(([id]) => id)
    .sort();
  const nowProtected = protecting.length > 0;
  if (nowProtected === state.protected) return;
  state.protected = nowProtected;
  appendAccountEvent(state, now, 'protection_changed', actorId, {
    protected: nowProtected,
    opportunityIds: protecting,
  });
  // Protection ending gives the holder a full period from now.
  restartClock(state, now);
}

// ---- validation (Update validators: never on replay, refusals leave no history) -----------------

function optionalNote(value: unknown, field = 'note'): void {
  if (value !== undefined) requireText(value, field, TEXT_LIMITS.longText);
}

function requireHolderOrManager(state: AccountState, actor: Actor): void {
  if (actor.userId === state.ownerId || isManagerOrAbove(actor)) return;
  refuse('FORBIDDEN', 'only the holder of this account, their line or an admin may do this');
}

function requireClaimed(state: AccountState): string {
  if (state.ownerId === null) refuse('ACCOUNT_NOT_CLAIMED', 'this account is in the public pool', {});
  return state.ownerId;
}

function refuseHeld(state: AccountState, actor: Actor): never {
  return refuse('ACCOUNT_ALREADY_CLAIMED', 'this account is already on a list', {
    heldByYou: state.ownerId === actor.userId,
  });
}

export function validateAccountCommand<N extends AccountCommandName>(
  state: AccountState,
  name: N,
  command: AccountCommandInputs[N],
  now: number,
): void {
  if (typeof command !== 'object' || command === null)
    refuse('INVALID_INPUT', `${name} needs a command object`);
  requireText(command.requestId, 'requestId', TEXT_LIMITS.name);
  const actor = requireActor(command.actor);
  const c = command as unknown as Record<string, unknown>;
  switch (name) {
    case 'claim': {
      if (state.ownerId !== null) refuseHeld(state, actor);
      const until = state.coolDowns[actor.userId];
      if (until !== undefined && Date.parse(until) > now)
        refuse('CLAIM_COOL_DOWN', `you may claim this account again from ${until}`, { until });
      return;
    }
    case 'release': {
      requireClaimed(state);
      requireHolderOrManager(state, actor);
      optionalNote(c.note);
      if (state.funnelStep === 'active' && RULES.activeStaysWithOwner)
        refuse('ACCOUNT_ACTIVE_KEEPS_OWNER', 'an active customer stays with its owner', {});
      return;
    }
    case 'assign':
    case 'move': {
      if (!isManagerOrAbove(actor))
        refuse('FORBIDDEN', 'only a manager or an admin assigns and moves accounts');
      requireText(c.toUserId, 'toUserId', TEXT_LIMITS.name);
      optionalNote(c.note);
      if (name === 'assign' && state.ownerId !== null) refuseHeld(state, actor);
      if (name === 'move') {
        requireClaimed(state);
        if (c.toUserId === state.ownerId) refuseInput('toUserId', 'already holds this account');
      }
      return;
    }
    case 'handover': {
      if (actor.role !== 'admin') refuse('FORBIDDEN', 'only an admin hands over a leaver’s book');
      requireText(c.fromUserId, 'fromUserId', TEXT_LIMITS.name);
      requireText(c.toUserId, 'toUserId', TEXT_LIMITS.name);
      optionalNote(c.note);
      if (c.fromUserId === c.toUserId) refuseInput('toUserId', 'must differ from fromUserId');
      return;
    }
    case 'logSalesAction': {
      if (typeof c.kind !== 'string' || !(FUNNEL.salesActionTypes as readonly string[]).includes(c.kind))
        refuseInput('kind', `must be one of ${FUNNEL.salesActionTypes.join(', ')}`);
      optionalNote(c.note);
      if (c.opportunityId !== undefined) requireText(c.opportunityId, 'opportunityId', TEXT_LIMITS.name);
      // From a deal (the projection hook): whoever logged it on the deal. Directly: the holder's side.
      else requireHolderOrManager(state, actor);
      return;
    }
    case 'recordBusinessSignal': {
      if (typeof c.signal !== 'string' || !FUNNEL.businessSignals.some((s) => s.key === c.signal))
        refuse('UNKNOWN_BUSINESS_SIGNAL', `unknown business signal ${String(c.signal)}`, {
          known: FUNNEL.businessSignals.map((s) => s.key),
        });
      optionalNote(c.note);
      requireClaimed(state);
      requireHolderOrManager(state, actor);
      return;
    }
    case 'dealOpened':
    case 'dealWon':
    case 'handoverFinished':
    case 'dealProgressed': {
      requireText(c.opportunityId, 'opportunityId', TEXT_LIMITS.name);
      if (name === 'dealProgressed') {
        if (
          typeof c.milestoneIndex !== 'number' ||
          !Number.isInteger(c.milestoneIndex) ||
          c.milestoneIndex < 0
        )
          refuseInput('milestoneIndex', 'must be a non-negative integer');
        if (typeof c.open !== 'boolean') refuseInput('open', 'must be a boolean');
      }
      return;
    }
    default:
      refuse('INVALID_INPUT', `unknown command ${String(name)}`);
  }
}

// ---- apply (runs on replay: deterministic, no refusals beyond what validation decided) ---------

/** Applies a command; returns false when it changed nothing (a handover of an account moved meanwhile). */
export function applyAccountCommand<N extends AccountCommandName>(
  state: AccountState,
  name: N,
  command: AccountCommandInputs[N],
  now: number,
): boolean {
  const actorId = command.actor.userId;
  const c = command as unknown as Record<string, unknown>;
  const note = typeof c.note === 'string' ? c.note : undefined;
  switch (name) {
    case 'claim':
      changeOwner(state, now, actorId, 'claim', actorId);
      return true;
    case 'release':
      changeOwner(state, now, null, 'release', actorId, note);
      return true;
    case 'assign':
      changeOwner(state, now, c.toUserId as string, 'assign', actorId, note);
      return true;
    case 'move':
      changeOwner(state, now, c.toUserId as string, 'move', actorId, note);
      return true;
    case 'handover':
      if (state.ownerId !== c.fromUserId) return false;
      changeOwner(state, now, c.toUserId as string, 'handover', actorId, note);
      return true;
    case 'logSalesAction':
      state.lastSalesActionAt = iso(now);
      if (clockRuns(state)) restartClock(state, now);
      appendAccountEvent(state, now, 'sales_action', actorId, {
        kind: c.kind,
        ...(c.opportunityId === undefined ? {} : { opportunityId: c.opportunityId }),
        ...(note === undefined ? {} : { note }),
        lapsesAt: state.lapsesAt,
        warnsAt: state.warnsAt,
      });
      return true;
    case 'recordBusinessSignal':
      appendAccountEvent(state, now, 'business_signal', actorId, {
        signal: c.signal,
        ...(note === undefined ? {} : { note }),
      });
      moveStep(state, now, 'potential', actorId, { signal: c.signal });
      return true;
    case 'dealOpened': {
      const id = c.opportunityId as string;
      const known = state.deals[id] !== undefined;
      if (!known) {
        state.deals[id] = { milestoneIndex: 0, open: true };
        appendAccountEvent(state, now, 'deal_linked', actorId, {
          opportunityId: id,
          milestoneIndex: 0,
          open: true,
        });
      }
      moveStep(state, now, 'intent', actorId, { opportunityId: id });
      // Opening a deal is a sales action on the account.
      state.lastSalesActionAt = iso(now);
      if (clockRuns(state)) restartClock(state, now);
      recomputeProtection(state, now, actorId);
      return true;
    }
    case 'dealProgressed': {
      const id = c.opportunityId as string;
      const before = state.deals[id];
      const next = { milestoneIndex: c.milestoneIndex as number, open: c.open as boolean };
      if (before && before.milestoneIndex === next.milestoneIndex && before.open === next.open) return false;
      state.deals[id] = next;
      appendAccountEvent(state, now, 'deal_linked', actorId, { opportunityId: id, ...next });
      recomputeProtection(state, now, actorId);
      return true;
    }
    case 'dealWon':
      moveStep(state, now, 'order', actorId, {
        opportunityId: c.opportunityId,
        milestone: 'contract_signed',
      });
      return true;
    case 'handoverFinished': {
      const before = state.funnelStep;
      moveStep(state, now, 'active', actorId, { opportunityId: c.opportunityId, handover: 'accepted' });
      // An active customer keeps its owner: the clock stops.
      if (before !== state.funnelStep) restartClock(state, now);
      return true;
    }
    default:
      return false;
  }
}

// ---- clocks -----------------------------------------------------------------------------------

function notices(
  state: AccountState,
  kind: ClaimNotice['kind'],
  ownerId: string,
  lapsesAt: string,
): ClaimNotice[] {
  return (['owner', 'manager'] as const).map((recipient) => ({
    key: `${state.accountId}:${kind}:${state.clockGeneration}:${recipient}`,
    kind,
    accountId: state.accountId,
    ownerId,
    recipient,
    lapsesAt,
  }));
}

/** The warning timer of `generation` fired. */
export function fireWarning(state: AccountState, generation: number, now: number): boolean {
  if (generation !== state.clockGeneration || state.warned || !clockRuns(state)) return false;
  const ownerId = state.ownerId as string;
  const lapsesAt = state.lapsesAt as string;
  state.warned = true;
  appendAccountEvent(state, now, 'claim_warned', null, { ownerId, lapsesAt });
  state.outbox.push(...notices(state, 'claim_warning', ownerId, lapsesAt));
  return true;
}

/** The lapse timer of `generation` fired: the account goes back to the pool. Returns the ex-holder. */
export function fireLapse(state: AccountState, generation: number, now: number): string | null {
  if (generation !== state.clockGeneration || !clockRuns(state)) return null;
  const ownerId = state.ownerId as string;
  const lapsesAt = state.lapsesAt as string;
  const key = notices(state, 'claim_lapsed', ownerId, lapsesAt);
  state.coolDowns[ownerId] = iso(now + RULES.coolDownDays * DAY_MS);
  changeOwner(state, now, null, 'lapse', null);
  state.outbox.push(...key);
  // Expired cool-downs are forgotten.
  for (const [userId, until] of Object.entries(state.coolDowns)) {
    if (Date.parse(until) <= now) delete state.coolDowns[userId];
  }
  return ownerId;
}
