// One long-lived workflow per account (workflow id `account-<accountId>`), started on demand by
// the first command with executeUpdateWithStart: a pool account nobody touched has none. It keeps
// the claim (报备) clock as a durable timer, the six-step funnel step and the owner, and journals
// every change; the rules are in account-rules.ts, the numbers in PSM_PROCESS.customerFunnel.
//
// Replay safety: a timer fires for the clock generation it was armed for, and the workflow never
// re-compares due times against thresholds when it fires, so retuning lapseWorkingDays or the
// warning leaves recorded histories replayable (a clock armed before the change fires as armed).

import {
  allHandlersFinished,
  ApplicationFailure,
  type CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  DIRECTORY_ACTIVITY,
  NOTIFICATION_ACTIVITY,
  PROJECTION_ACTIVITY,
  PROJECTION_FAILURE_PAUSE,
} from './activity-options';
import { accountUpdates, getAccountStateQuery, type AccountUpdateResult } from './account-messages';
import {
  adoptStoredAccount,
  appendAccountEvent,
  applyAccountCommand,
  createAccountState,
  fireLapse,
  fireWarning,
  nextClock,
  rememberAccountResult,
  rememberedAccountResult,
  toAccountView,
  validateAccountCommand,
} from './account-rules';
import type {
  AccountActivities,
  AccountCommandInputs,
  AccountCommandName,
  AccountStartInput,
  AccountState,
  AccountView,
} from './account-types';
import { asUpdateValidator } from './opportunity-input';
import { refuse } from './opportunity-errors';
import { onceByRequestId, type InFlight } from './once-by-request-id';
import { sleepUntil } from './punctual-sleep';

const { reserveClaim, releaseClaim } = proxyActivities<AccountActivities>(DIRECTORY_ACTIVITY);
const { projectAccount } = proxyActivities<AccountActivities>(PROJECTION_ACTIVITY);
const { sendClaimNotice } = proxyActivities<AccountActivities>(NOTIFICATION_ACTIVITY);

/** Commands that give the account a (new) holder: the cap (and for claims the daily limit) apply. */
const RESERVING: Partial<Record<AccountCommandName, 'claim' | 'assign' | 'move' | 'handover'>> = {
  claim: 'claim',
  assign: 'assign',
  move: 'move',
  handover: 'handover',
};

interface Io {
  sending: boolean;
  projecting: boolean;
  releasing: boolean;
  /** A claim, assign, move or handover is reserving its slot. */
  reserving: boolean;
  draining: boolean;
  /** Ex-holders whose cap slot is still to be freed in PostgreSQL. */
  toRelease: string[];
}

const MIN_HISTORY_LENGTH_LIMIT = 20;

export async function account(input: AccountStartInput): Promise<AccountView> {
  const state = input.carried ?? startingState(input);
  const io: Io = {
    sending: false,
    projecting: false,
    releasing: false,
    reserving: false,
    draining: false,
    toRelease: [],
  };

  setHandler(getAccountStateQuery, () => toAccountView(state));
  registerCommands(state, io);

  void Promise.all([drainOutbox(state, io), projectChanges(state, io), freeSlots(state, io)]);
  await runClock(state, input, io);

  io.draining = true;
  await condition(
    () =>
      allHandlersFinished() && !io.sending && !io.projecting && !io.releasing && io.toRelease.length === 0,
  );
  return continueAsNew<typeof account>({
    accountId: state.accountId,
    carried: state,
    ...(input.historyLengthLimit === undefined ? {} : { historyLengthLimit: input.historyLengthLimit }),
  });
}

/** A new account's state: the pool's, or what the read model already stored (an owner, a step). */
function startingState(input: AccountStartInput): AccountState {
  const state = createAccountState(input.accountId);
  // Workflows started before the stored owner was passed replay as they ran (from the pool).
  if (input.stored !== undefined && patched('account-start-from-stored')) {
    adoptStoredAccount(state, input.stored, Date.now());
  }
  return state;
}

function continueAsNewDue(input: AccountStartInput): boolean {
  const info = workflowInfo();
  if (info.continueAsNewSuggested) return true;
  if (input.historyLengthLimit === undefined) return false;
  return info.historyLength >= Math.max(input.historyLengthLimit, MIN_HISTORY_LENGTH_LIMIT);
}

/** The claim clock: one durable timer for the next warning or lapse, re-armed when the clock moves. */
async function runClock(state: AccountState, input: AccountStartInput, ioState: Io): Promise<void> {
  let fired: { kind: 'warn' | 'lapse'; generation: number } | null = null;
  for (;;) {
    if (continueAsNewDue(input)) return;
    const next = nextClock(state);
    const signature = next === null ? 'none' : `${next.kind}:${next.generation}`;
    let scope: CancellationScope | undefined;
    if (next !== null) {
      const armed = { kind: next.kind, generation: next.generation };
      scope = sleepUntil(next.at, () => {
        fired = armed;
      });
    }
    await condition(() => {
      const now = nextClock(state);
      const current = now === null ? 'none' : `${now.kind}:${now.generation}`;
      return fired !== null || current !== signature || continueAsNewDue(input);
    });
    if (fired === null) {
      scope?.cancel();
      continue;
    }
    const { kind, generation } = fired as { kind: 'warn' | 'lapse'; generation: number };
    fired = null;
    if (kind === 'warn') fireWarning(state, generation, Date.now());
    else {
      const exHolder = fireLapse(state, generation, Date.now());
      if (exHolder !== null) ioState.toRelease.push(exHolder);
    }
  }
}

function registerCommands(state: AccountState, ioState: Io): void {
  const inFlight: InFlight<AccountCommandName, AccountUpdateResult> = new Map();

  const register = <N extends AccountCommandName>(name: N): void => {
    const validator = (command: AccountCommandInputs[N]): void =>
      asUpdateValidator(() => {
        const earlier =
          typeof command === 'object' && command !== null
            ? (rememberedAccountResult(state, command.requestId)?.command ??
              inFlight.get(command.requestId)?.command)
            : undefined;
        if (earlier !== undefined) {
          if (earlier !== name)
            refuse('CONFLICT', `request id ${command.requestId} was already used for ${earlier}`);
          return; // a repeat: answered with the first result
        }
        validateAccountCommand(state, name, command, Date.now());
      });

    const execute = async (command: AccountCommandInputs[N]): Promise<AccountUpdateResult> => {
      const reservingKind = RESERVING[name];
      if (reservingKind === undefined) return applyNow(command, state.ownerId);
      // One reserving command at a time: two claims racing for the same account must not both
      // take a slot in PostgreSQL.
      await condition(() => !ioState.reserving && !ioState.releasing && ioState.toRelease.length === 0);
      ioState.reserving = true;
      try {
        validateAccountCommand(state, name, command, Date.now()); // the account may have moved meanwhile
        const c = command as unknown as { toUserId?: string; fromUserId?: string };
        const newHolder = name === 'claim' ? command.actor.userId : (c.toUserId as string);
        // An active customer (在网) is outside the cap: it stays with its owner, moves need no slot.
        const applies =
          (name !== 'handover' || state.ownerId === c.fromUserId) && state.funnelStep !== 'active';
        if (applies) {
          const reservation = await reserveClaim({
            requestId: command.requestId,
            accountId: state.accountId,
            userId: newHolder,
            kind: reservingKind,
            at: new Date(Date.now()).toISOString(),
          });
          if (!reservation.ok) {
            const { ok: _ok, code, ...details } = reservation;
            throw ApplicationFailure.create({
              type: code,
              message:
                code === 'CLAIM_CAP_REACHED'
                  ? 'the claim cap is reached'
                  : 'the daily claim limit is reached',
              nonRetryable: true,
              details: [details],
            });
          }
          // A release or a lapse may have landed while the reservation ran.
          try {
            validateAccountCommand(state, name, command, Date.now());
          } catch (err) {
            if (newHolder !== state.ownerId) ioState.toRelease.push(newHolder);
            throw err;
          }
        }
        return applyNow(command, state.ownerId);
      } finally {
        ioState.reserving = false;
      }
    };

    const applyNow = (command: AccountCommandInputs[N], oldHolder: string | null): AccountUpdateResult => {
      const seqBefore = state.seq;
      const stepBefore = state.funnelStep;
      const changed = applyAccountCommand(state, name, command, Date.now());
      if (changed && oldHolder !== null && oldHolder !== state.ownerId) ioState.toRelease.push(oldHolder);
      // Becoming an active customer frees the holder's cap slot.
      if (stepBefore !== 'active' && state.funnelStep === 'active' && state.ownerId !== null)
        ioState.toRelease.push(state.ownerId);
      const result = {
        requestId: command.requestId,
        command: name,
        seq: state.seq,
        ...(changed && state.seq > seqBefore ? {} : { unchanged: true }),
      };
      rememberAccountResult(state, result);
      return { ...result, account: toAccountView(state) };
    };

    const handler = onceByRequestId(
      inFlight,
      name,
      (requestId) => {
        const remembered = rememberedAccountResult(state, requestId);
        return remembered && { ...remembered, account: toAccountView(state) };
      },
      execute,
    );

    setHandler(accountUpdates[name], handler as never, { validator: validator as never });
  };

  for (const name of Object.keys(accountUpdates) as AccountCommandName[]) register(name);
}

/** Frees the cap slots of ex-holders in PostgreSQL (idempotent), one at a time. */
async function freeSlots(state: AccountState, ioState: Io): Promise<void> {
  for (;;) {
    await condition(() => ioState.toRelease.length > 0);
    ioState.releasing = true;
    const userId = ioState.toRelease[0] as string;
    try {
      await releaseClaim({ accountId: state.accountId, userId });
    } finally {
      ioState.toRelease.shift();
      ioState.releasing = false;
    }
  }
}

/** Sends the warning and lapse notices one by one, journalling each. */
async function drainOutbox(state: AccountState, ioState: Io): Promise<void> {
  for (;;) {
    await condition(() => !ioState.draining && state.outbox.length > 0);
    const notice = state.outbox[0];
    if (notice === undefined) continue;
    ioState.sending = true;
    try {
      const outcome = await sendClaimNotice(notice);
      appendAccountEvent(state, Date.now(), 'notification_sent', null, {
        key: notice.key,
        kind: notice.kind,
        recipient: notice.recipient,
        sent: outcome.sent,
        ...(outcome.channel === undefined ? {} : { channel: outcome.channel }),
      });
    } catch (err) {
      if (isCancellation(err)) throw err;
      appendAccountEvent(state, Date.now(), 'notification_failed', null, {
        key: notice.key,
        kind: notice.kind,
        recipient: notice.recipient,
        error: String(err),
      });
    } finally {
      state.outbox.shift();
      ioState.sending = false;
    }
  }
}

/** Projects the journal (by seq) and the account's columns, batching what piled up. */
async function projectChanges(state: AccountState, ioState: Io): Promise<void> {
  for (;;) {
    await condition(() => !ioState.draining && state.projectedSeq < state.seq);
    const upTo = state.seq;
    ioState.projecting = true;
    try {
      await projectAccount({
        view: toAccountView(state),
        events: state.events.filter((e) => e.seq > state.projectedSeq),
      });
      state.projectedSeq = Math.max(state.projectedSeq, upTo);
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.error('account projection failed; will retry', { accountId: state.accountId, error: String(err) });
      await sleep(PROJECTION_FAILURE_PAUSE);
    } finally {
      ioState.projecting = false;
    }
  }
}
