// One long-lived workflow per deal (workflow id = opportunity id). It interprets the PSM process
// in psm-process.ts: commands arrive as Updates, each of the deal's clocks runs as a durable
// timer, and emails and read-model projections are drained from state by two small loops so no
// Update ever waits on SMTP or the database.

import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  sleep,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, ReportingLine } from '../activities/contracts';
import {
  DIRECTORY_ACTIVITY,
  NOTIFICATION_ACTIVITY,
  PROJECTION_FAILURE_PAUSE,
  PROJECTION_ACTIVITY,
} from './activity-options';
import { COMMANDS, type CommandSpec } from './commands';
import { getStateQuery, opportunityUpdates } from './opportunity-messages';
import { refuse } from './opportunity-errors';
import { requireText, TEXT_LIMITS } from './opportunity-input';
import { requireActor, requireMayAct } from './opportunity-permissions';
import {
  appendEvent,
  createInitialState,
  markProjected,
  rememberResult,
  rememberedResult,
  snapshot,
  unprojectedEvents,
} from './opportunity-state';
import {
  fireTimer,
  isStillPlanned,
  planTimers,
  timerPlanSignature,
  type PlannedTimer,
} from './opportunity-timers';
import type {
  CommandInputs,
  CommandName,
  CommandResult,
  OpportunityStartInput,
  OpportunityState,
  OutboxItem,
} from './opportunity-types';
import { toView, type OpportunityView } from './opportunity-view';

const { lookupReportingLine } = proxyActivities<Activities>(DIRECTORY_ACTIVITY);
const { sendNotification } = proxyActivities<Activities>(NOTIFICATION_ACTIVITY);
const { projectOpportunity } = proxyActivities<Activities>(PROJECTION_ACTIVITY);

/** What the I/O loops are doing right now, and whether they may start more. */
interface IoActivity {
  sending: boolean;
  projecting: boolean;
  /** Set before continue-as-new: start nothing new; the next run sends what is left. */
  draining: boolean;
}

export async function opportunity(input: OpportunityStartInput): Promise<OpportunityView> {
  const state = input.carried ?? createInitialState(input, Date.now());
  const io: IoActivity = { sending: false, projecting: false, draining: false };

  setHandler(getStateQuery, () => toView(state, Date.now()));
  registerCommandHandlers(state);

  const ioLoops = Promise.all([drainOutbox(state, io), projectChanges(state, io)]);
  const outcome = await Promise.race([runDeal(state, input), ioLoops.then(() => 'finished' as const)]);
  const ioIdle = () => allHandlersFinished() && !io.sending && !io.projecting;

  if (outcome === 'continue_as_new') {
    // Waiting for a fully drained outbox could take forever under steady traffic; the carried
    // state holds whatever is still queued or unprojected, and the next run picks it up.
    io.draining = true;
    await condition(ioIdle);
    return continueAsNew<typeof opportunity>({
      id: state.id,
      name: state.name,
      account: state.account,
      amount: state.amount,
      currency: state.currency,
      ownerId: state.ownerId,
      expectedCloseDate: state.expectedCloseDate,
      createdBy: input.createdBy,
      carried: state,
      ...(input.historyLengthLimit === undefined ? {} : { historyLengthLimit: input.historyLengthLimit }),
    });
  }
  // The deal is done: nothing may be left unsent or unprojected.
  await condition(() => ioIdle() && state.outbox.length === 0 && state.projectedSeq === state.seq);
  return toView(state, Date.now());
}

async function runDeal(
  state: OpportunityState,
  input: OpportunityStartInput,
): Promise<'finished' | 'continue_as_new'> {
  if (state.reportingLine === null) await loadReportingLine(state);
  return runClocks(state, input);
}

async function loadReportingLine(state: OpportunityState): Promise<void> {
  const ownerId = state.ownerId;
  let line: ReportingLine;
  try {
    line = await lookupReportingLine(ownerId);
  } catch (err) {
    if (isCancellation(err)) throw err;
    // Keep the deal usable by its owner and admins; escalations are journalled as skipped.
    log.warn('reporting line look-up failed', { opportunityId: state.id, ownerId, error: String(err) });
    line = { userId: ownerId, managerId: null, directorId: null, chain: [] };
    appendEvent(state, Date.now(), 'reporting_line_missing', null, { ownerId, error: String(err) });
  }
  // An owner change may have landed (with its own look-up) while this one was in flight.
  if (state.ownerId === ownerId && state.reportingLine === null) state.reportingLine = line;
}

/** Retries are unlimited, so only a non-retryable failure (an unknown user) ends up here. */
async function lookUpNewOwner(userId: string): Promise<ReportingLine> {
  try {
    return await lookupReportingLine(userId);
  } catch (err) {
    if (isCancellation(err)) throw err;
    return refuse('NOT_FOUND', `the directory has no user ${userId} to own this deal`);
  }
}

/** Below this a forced limit would continue-as-new on every run, before any work got done. */
const MIN_HISTORY_LENGTH_LIMIT = 20;

function continueAsNewDue(input: OpportunityStartInput): boolean {
  const info = workflowInfo();
  if (info.continueAsNewSuggested) return true;
  if (input.historyLengthLimit === undefined) return false;
  return info.historyLength >= Math.max(input.historyLengthLimit, MIN_HISTORY_LENGTH_LIMIT);
}

/**
 * Each armed clock is its own durable timer, started in plan order and cancelled when its clock
 * changes. Which clock fires is then decided by the history (the timer's sequence number), never
 * by re-comparing due times against thresholds, so changing a threshold leaves the recorded
 * histories of running deals replayable (see opportunity-timers.ts).
 */
async function runClocks(
  state: OpportunityState,
  input: OpportunityStartInput,
): Promise<'finished' | 'continue_as_new'> {
  const armed = new Map<string, CancellationScope>();
  const fired: PlannedTimer[] = [];
  for (;;) {
    for (const timer of fired.splice(0)) {
      armed.delete(timer.identity);
      if (isStillPlanned(state, timer)) fireTimer(state, timer, Date.now());
    }
    if (state.executionCompletedAt !== null) return 'finished';
    if (continueAsNewDue(input)) return 'continue_as_new';

    const plan = planTimers(state);
    for (const [identity, scope] of armed) {
      if (plan.some((timer) => timer.identity === identity)) continue;
      scope.cancel();
      armed.delete(identity);
    }
    for (const timer of plan) {
      if (!armed.has(timer.identity)) armed.set(timer.identity, startTimer(timer, fired));
    }

    const signature = timerPlanSignature(state);
    await condition(
      () =>
        fired.length > 0 ||
        timerPlanSignature(state) !== signature ||
        state.executionCompletedAt !== null ||
        continueAsNewDue(input),
    );
  }
}

/** One durable timer for one clock; when it fires, the clock is queued for the loop to apply. */
function startTimer(timer: PlannedTimer, fired: PlannedTimer[]): CancellationScope {
  const scope = new CancellationScope();
  void scope
    .run(() => sleep(Math.max(1, timer.dueAt - Date.now())))
    .then(
      () => fired.push(timer),
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );
  return scope;
}

function registerCommandHandlers(state: OpportunityState): void {
  const inFlight = new Map<string, { command: CommandName; result: Promise<CommandResult> }>();

  const register = <N extends CommandName>(name: N): void => {
    const spec = COMMANDS[name] as CommandSpec<CommandInputs[N]>;

    const validator = (command: CommandInputs[N]): void => {
      if (typeof command !== 'object' || command === null)
        refuse('INVALID_INPUT', `${name} needs a command object`);
      requireText(command.requestId, 'requestId', TEXT_LIMITS.name);
      const actor = requireActor(command.actor);
      const earlier =
        rememberedResult(state, command.requestId)?.command ?? inFlight.get(command.requestId)?.command;
      if (earlier !== undefined) {
        if (earlier !== name)
          refuse('CONFLICT', `request id ${command.requestId} was already used for ${earlier}`);
        return; // a repeat: the handler answers with the first result
      }
      // Approvals have their own rule (the approver or above); everything else, the deal's people.
      if (name !== 'decideApproval') requireMayAct(state, actor);
      spec.validate(state, command, Date.now());
    };

    const execute = async (command: CommandInputs[N]): Promise<CommandResult> => {
      const ownerToLookUp = spec.needsReportingLineOf?.(command);
      let line: ReportingLine | undefined;
      if (ownerToLookUp !== undefined) {
        line = await lookUpNewOwner(ownerToLookUp);
        spec.validate(state, command, Date.now()); // the deal may have moved on while we waited
      }
      const outcome = spec.apply(state, command, { now: Date.now(), newId: uuid4 }, line);
      const result: CommandResult = {
        requestId: command.requestId,
        command: name,
        seq: state.seq,
        ...outcome,
      };
      rememberResult(state, result);
      return result;
    };

    const handler = async (command: CommandInputs[N]): Promise<CommandResult> => {
      const remembered = rememberedResult(state, command.requestId);
      if (remembered) return remembered;
      const running = inFlight.get(command.requestId);
      if (running) return running.result;
      const result = execute(command);
      inFlight.set(command.requestId, { command: name, result });
      try {
        return await result;
      } finally {
        inFlight.delete(command.requestId);
      }
    };

    setHandler(opportunityUpdates[name], handler as never, { validator: validator as never });
  };

  for (const name of Object.keys(COMMANDS) as CommandName[]) register(name);
}

/** Sends queued emails one by one and journals each once it went out. */
async function drainOutbox(state: OpportunityState, io: IoActivity): Promise<void> {
  for (;;) {
    await condition(() => !io.draining && state.outbox.length > 0);
    const item = state.outbox[0] as OutboxItem;
    io.sending = true;
    try {
      await sendNotification(item.request);
      journalSent(state, item);
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Retries are exhausted only for non-retryable failures (e.g. a recipient with no address).
      appendEvent(state, Date.now(), 'notification_failed', null, {
        key: item.request.key,
        template: item.request.template,
        recipientId: item.request.recipientUserId,
        error: String(err),
      });
    } finally {
      state.outbox.shift();
      io.sending = false;
    }
  }
}

function journalSent(state: OpportunityState, item: OutboxItem): void {
  const { request } = item;
  if (item.escalationKind === null) {
    appendEvent(state, Date.now(), 'notification_sent', null, {
      key: request.key,
      template: request.template,
      recipientId: request.recipientUserId,
    });
    return;
  }
  appendEvent(state, Date.now(), 'escalation_sent', null, {
    key: request.key,
    kind: item.escalationKind,
    level: request.level ?? 0,
    milestone: request.deal.milestone,
    recipientIds: [request.recipientUserId],
  });
}

/** Sends the snapshot plus every unacknowledged event to the read model, batching what piled up. */
async function projectChanges(state: OpportunityState, io: IoActivity): Promise<void> {
  for (;;) {
    await condition(() => !io.draining && state.seq > state.projectedSeq);
    const upToSeq = state.seq;
    io.projecting = true;
    try {
      await projectOpportunity({ snapshot: snapshot(state), events: unprojectedEvents(state) });
      markProjected(state, upToSeq);
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.error('read-model projection failed; will retry', { opportunityId: state.id, error: String(err) });
      await sleep(PROJECTION_FAILURE_PAUSE);
    } finally {
      io.projecting = false;
    }
  }
}
