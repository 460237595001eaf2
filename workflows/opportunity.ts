// One long-lived workflow per deal (workflow id = opportunity id). It interprets the PSM process
// in psm-process.ts: commands arrive as Updates, the deal's clocks are kept by a wake-up timer,
// and emails and read-model projections are drained from state by two small loops so no Update
// ever waits on SMTP or the database.
//
// History diet (runs started since the lean-history patch): a command's history is the Update
// and nothing else. Its result carries the events it appended, and the caller (the API) projects
// them into the read model once the Update has committed; the workflow projects only what it
// did itself (escalations, sent emails) and repairs any gap a caller left, which its wake-up
// check notices. Commands leave the wake-up timer alone (see clockCheckHorizonMs). Runs started
// before the patch keep the first design: one timer per clock and a projection per change.

import {
  allHandlersFinished,
  type CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, ReportingLine } from '../src/contracts/activities';
import {
  CLOCK_CHECK_LOCAL_ACTIVITY,
  DIRECTORY_ACTIVITY,
  NOTIFICATION_ACTIVITY,
  PROJECTION_FAILURE_PAUSE,
  PROJECTION_ACTIVITY,
} from './activity-options';
import { COMMANDS, type CommandSpec } from './commands';
import { rerouteApprovals } from './commands/approval-commands';
import {
  getStateQuery,
  opportunityUpdates,
  projectionSinceQuery,
  reportingLineChangedSignal,
} from './opportunity-messages';
import { refuse } from './opportunity-errors';
import { asUpdateValidator, requireText, TEXT_LIMITS } from './opportunity-input';
import { requireActor, requireMayAct } from './opportunity-permissions';
import {
  appendEvent,
  createInitialState,
  iso,
  markProjected,
  rememberResult,
  rememberedResult,
  snapshot,
  unprojectedEvents,
} from './opportunity-state';
import {
  clockArmingSignature,
  clockFacts,
  fireTimer,
  isStillPlanned,
  nextClockCheckAt,
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
  RuleSet,
} from './opportunity-types';
import { toView, type OpportunityView } from './opportunity-view';
import { keepSearchAttributesCurrent, SEARCH_ATTRIBUTES_PATCH } from './opportunity-search-attributes';
import { PROCESS_VERSIONS_PATCH, registerMigrationHandler } from './opportunity-migration';
import { processVersion } from './process-versions';
import { onceByRequestId, type InFlight } from './once-by-request-id';
import { sleepUntil } from './punctual-sleep';

const { lookupReportingLine } = proxyActivities<Activities>(DIRECTORY_ACTIVITY);
const { sendNotification } = proxyActivities<Activities>(NOTIFICATION_ACTIVITY);
const { projectOpportunity } = proxyActivities<Activities>(PROJECTION_ACTIVITY);
const { checkClocks } = proxyLocalActivities<Activities>(CLOCK_CHECK_LOCAL_ACTIVITY);

/**
 * Marks runs that keep the history diet. patched() records it once per run; runs without it
 * (started before it) replay and continue on the first design. Remove the old path with
 * deprecatePatch() once no deal started before it is still running.
 */
export const LEAN_HISTORY_PATCH = 'psm-lean-history';

/**
 * Marks runs that follow the authorization rules: a new owner must be active and in the actor's
 * line, pending approvals are re-routed when the amount, owner or line changes, nobody decides
 * their own request, and a reorganisation signal re-reads the line at once. New runs take it at
 * start; a run started before it takes it at its first command or signal after the deployment
 * (patched() there records it), so it replays its old commands on the old rules.
 */
export const AUTHORIZATION_PATCH = 'psm-authorization-rules';

/**
 * Journals notification_possibly_duplicated when the email activity says it resent a mail after an
 * attempt that may already have delivered it. Runs recorded before it never got that answer (the
 * activity returned nothing), so the branch is only ever taken by new activity results; the
 * marker keeps it explicit.
 */
export const POSSIBLY_DUPLICATED_PATCH = 'psm-mail-possibly-duplicated';

/**
 * Journals notification_channel_failed when the recipient's IM channels refused a notification for
 * good (unknown user, revoked app) and the email took over (issue 13). Older runs never got
 * channelFailures from the activity; the marker keeps the new branch explicit on replay.
 */
export const CHANNEL_FALLBACK_JOURNAL_PATCH = 'psm-channel-fallback-journal';

/**
 * Marks runs where an approved gate or skip not used yet follows the deal like a pending one: an
 * amount, owner or line change that takes it out of its approver's authority re-routes it (see
 * rerouteApprovals). Taken at start, or by a run with the authorization rules at its first command
 * or signal after the deployment, as AUTHORIZATION_PATCH.
 */
export const APPROVED_FOLLOW_DEAL_PATCH = 'psm-void-approved-on-change';

/**
 * Marks runs that run sales projects the LTC way: the deal team acting within its roles, the
 * kickoff plan for large or major deals, the closing summary, and the handover the delivery side
 * accepts before the deal completes (with its escalation ladder). Taken at start only: a run
 * started before it keeps behaving as before (its new commands are refused with
 * LTC_NOT_AVAILABLE) until it continues as new.
 */
export const LTC_PATCH = 'psm-ltc-deal-team';

/** The LTC parts of a fresh (or carried) state. */
function adoptLtcState(state: OpportunityState): void {
  state.team ??= [];
  state.major ??= false;
  state.plan ??= null;
  state.handover ??= null;
  state.closing ??= null;
  state.lostCompetitor ??= null;
}

/** Turns the approved-follow-the-deal rule on for a run with the authorization rules, if it may. */
function adoptApprovedFollowDeal(rules: RuleSet): void {
  if (rules.approvedFollowDeal === true || !rules.authorization) return;
  rules.approvedFollowDeal = patched(APPROVED_FOLLOW_DEAL_PATCH);
}

/** Turns the authorization rules on for this run if it may (see AUTHORIZATION_PATCH). */
function adoptAuthorizationRules(rules: RuleSet): boolean {
  if (rules.authorization) return false;
  rules.authorization = patched(AUTHORIZATION_PATCH);
  return rules.authorization;
}

/** What the I/O loops are doing right now, and whether they may start more. */
interface IoActivity {
  sending: boolean;
  projecting: boolean;
  /** Set before continue-as-new: start nothing new; the next run sends what is left. */
  draining: boolean;
  /** The history diet is on: callers project commands, the workflow only what it wants to. */
  lean: boolean;
  /** With the diet: project (everything unacknowledged) while projectedSeq is below this. */
  wantedSeq: number;
  /** A reorganisation signal asked for the owner's line to be read again. */
  lineRefreshWanted: boolean;
  refreshingLine: boolean;
}

/** The workflow appended events of its own (or found the read model behind): project them. */
function wantProjection(state: OpportunityState, io: IoActivity): void {
  io.wantedSeq = Math.max(io.wantedSeq, state.seq);
}

export async function opportunity(input: OpportunityStartInput): Promise<OpportunityView> {
  const lean = patched(LEAN_HISTORY_PATCH);
  const searchAttributes = patched(SEARCH_ATTRIBUTES_PATCH);
  const rules: RuleSet = {
    authorization: patched(AUTHORIZATION_PATCH),
    approvedFollowDeal: patched(APPROVED_FOLLOW_DEAL_PATCH),
    ltc: patched(LTC_PATCH),
  };
  const state = input.carried ?? createInitialState(input, Date.now());
  if (rules.ltc) adoptLtcState(state);
  // Process versions (issue 17): a new deal runs on the version its starter chose (the API: the
  // latest); a deal started before versions runs on version 1 until it is migrated.
  const versioned = patched(PROCESS_VERSIONS_PATCH);
  if (versioned && state.processVersion === undefined) {
    const chosen = input.carried ? 1 : (input.processVersion ?? 1);
    if (!processVersion(chosen)) refuse('INVALID_INPUT', `there is no process version ${chosen}`);
    state.processVersion = chosen;
  }
  // A new run projects whatever is unacknowledged: the created event, or a carried remainder.
  const io: IoActivity = {
    sending: false,
    projecting: false,
    draining: false,
    lean,
    wantedSeq: state.seq,
    lineRefreshWanted: false,
    refreshingLine: false,
  };

  setHandler(getStateQuery, () => toView(state, Date.now()));
  setHandler(projectionSinceQuery, (afterSeq) => ({
    snapshot: snapshot(state),
    events: state.events.filter((event) => event.seq > afterSeq),
  }));
  registerCommandHandlers(state, rules);
  registerMigrationHandler(state, () => wantProjection(state, io));
  setHandler(reportingLineChangedSignal, () => {
    adoptAuthorizationRules(rules);
    adoptApprovedFollowDeal(rules);
    if (rules.authorization) io.lineRefreshWanted = true;
  });

  const ioLoops = Promise.all([
    drainOutbox(state, io),
    projectChanges(state, io),
    refreshLineOnReorganisation(state, io, rules),
    keepSearchAttributesCurrent(state, searchAttributes),
  ]);
  const outcome = await Promise.race([
    runDeal(state, input, io, rules),
    ioLoops.then(() => 'finished' as const),
  ]);
  const ioIdle = () =>
    allHandlersFinished() && !io.sending && !io.projecting && !io.refreshingLine && !io.lineRefreshWanted;

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
  wantProjection(state, io);
  await condition(() => ioIdle() && state.outbox.length === 0 && state.projectedSeq === state.seq);
  return toView(state, Date.now());
}

async function runDeal(
  state: OpportunityState,
  input: OpportunityStartInput,
  io: IoActivity,
  rules: RuleSet,
): Promise<'finished' | 'continue_as_new'> {
  if (state.reportingLine === null) {
    await loadReportingLine(state);
    wantProjection(state, io);
  }
  return io.lean ? runClockChecks(state, input, io, rules) : runClocks(state, input);
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
 * The deal's clocks with the history diet: one wake-up timer, armed for the earliest due clock but
 * never further ahead than the horizon, so commands can leave it alone. On waking, the checkClocks
 * local activity says (in history) which clocks are due; they fire, and the timer is re-armed.
 * Only opening or closing the deal and new approvals re-arm it early (clockArmingSignature).
 */
async function runClockChecks(
  state: OpportunityState,
  input: OpportunityStartInput,
  io: IoActivity,
  rules: RuleSet,
): Promise<'finished' | 'continue_as_new'> {
  let wakeUp: CancellationScope | undefined;
  let armedFor: string | undefined;
  let woke = false;
  for (;;) {
    if (woke) {
      woke = false;
      wakeUp = undefined;
      armedFor = undefined;
      await checkAndFireClocks(state, io, rules);
    }
    if (state.executionCompletedAt !== null) return 'finished';
    if (continueAsNewDue(input)) return 'continue_as_new';

    const signature = clockArmingSignature(state);
    if (armedFor !== signature) {
      wakeUp?.cancel();
      wakeUp = undefined;
      const at = nextClockCheckAt(state, Date.now());
      state.clockCheckAt = at === null ? null : iso(at);
      if (at !== null)
        wakeUp = sleepUntil(at, () => {
          woke = true;
        });
      armedFor = signature;
    }
    await condition(
      () =>
        woke ||
        clockArmingSignature(state) !== signature ||
        state.executionCompletedAt !== null ||
        continueAsNewDue(input),
    );
  }
}

async function checkAndFireClocks(state: OpportunityState, io: IoActivity, rules: RuleSet): Promise<void> {
  const checkedSeq = state.seq;
  const { due, readModelSeq, reportingLine } = await checkClocks({
    opportunityId: state.id,
    ownerId: state.ownerId,
    now: iso(Date.now()),
    facts: clockFacts(state),
  });
  const seqBefore = state.seq;
  // Managers move: escalations and permissions follow the directory as it is now. (An owner
  // change while the check ran brought its own look-up; this answer is then for someone else.)
  if (
    reportingLine &&
    reportingLine.userId === state.ownerId &&
    !sameLine(reportingLine, state.reportingLine)
  ) {
    adoptLine(state, reportingLine, rules, 'clock_check');
  }
  // Commands may have moved a clock while the check ran: only a clock whose identity is still
  // planned fires. Firing one clock never changes another's identity.
  const plan = planTimers(state);
  for (const identity of due) {
    const timer = plan.find((planned) => planned.identity === identity);
    if (timer) fireTimer(state, timer, Date.now());
  }
  if (state.seq > seqBefore) wantProjection(state, io);
  if (readModelSeq === null) return;
  markProjected(state, Math.min(readModelSeq, checkedSeq));
  // A caller did not project its command (it crashed, or the database was down): repair.
  if (readModelSeq < checkedSeq) wantProjection(state, io);
}

function sameLine(a: ReportingLine, b: ReportingLine | null): boolean {
  return b !== null && a.userId === b.userId && a.chain.join('/') === b.chain.join('/');
}

/** The owner's line moved: journal it, and (with the authorization rules) re-route approvals. */
function adoptLine(
  state: OpportunityState,
  line: ReportingLine,
  rules: RuleSet,
  trigger: 'clock_check' | 'reorganisation',
): void {
  appendEvent(state, Date.now(), 'reporting_line_changed', null, {
    ownerId: state.ownerId,
    from: state.reportingLine?.chain ?? [],
    to: line.chain,
    ...(rules.authorization ? { trigger } : {}),
  });
  state.reportingLine = line;
  adoptApprovedFollowDeal(rules);
  if (rules.authorization) rerouteApprovals(state, Date.now(), null, 'reporting_line_changed', uuid4, rules);
}

/**
 * A reorganisation reaches the deal within moments, not at its next clock check: the signal asks,
 * this loop reads the owner's line (one activity) and adopts it if it moved. Signals that arrive
 * while a read is in flight are folded into one more read.
 */
async function refreshLineOnReorganisation(
  state: OpportunityState,
  io: IoActivity,
  rules: RuleSet,
): Promise<void> {
  for (;;) {
    await condition(() => io.lineRefreshWanted);
    io.lineRefreshWanted = false;
    io.refreshingLine = true;
    const ownerId = state.ownerId;
    try {
      const line = await lookupReportingLine(ownerId);
      // An owner change while the read ran brought its own look-up.
      if (state.ownerId === ownerId && !sameLine(line, state.reportingLine)) {
        adoptLine(state, line, rules, 'reorganisation');
        wantProjection(state, io);
      }
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Only an owner missing from the directory fails for good; the clock check tries again.
      log.warn('reporting line refresh failed', { opportunityId: state.id, ownerId, error: String(err) });
    } finally {
      io.refreshingLine = false;
    }
  }
}

/**
 * The first design, for runs started before the lean-history patch. Each armed clock is its own
 * durable timer, started in plan order and cancelled when its clock changes. Which clock fires is then decided by the history (the timer's sequence number), never
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
  return sleepUntil(timer.dueAt, () => fired.push(timer));
}

function registerCommandHandlers(state: OpportunityState, rules: RuleSet): void {
  const inFlight: InFlight<CommandName, CommandResult> = new Map();

  const register = <N extends CommandName>(name: N): void => {
    const spec = COMMANDS[name] as CommandSpec<CommandInputs[N]>;

    // Every input rule applies here (asUpdateValidator); validators never run on replay.
    const validator = (command: CommandInputs[N]): void => asUpdateValidator(() => validate(command));
    const validate = (command: CommandInputs[N]): void => {
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
      if (name !== 'decideApproval') requireMayAct(state, actor, { name, command }, rules);
      spec.validate(state, command, Date.now(), rules);
    };

    const execute = async (command: CommandInputs[N]): Promise<CommandResult> => {
      // A run started before the rules takes them at its first command after the deployment;
      // its validator ran on the old rules, so the new ones are checked here.
      if (adoptAuthorizationRules(rules)) spec.validate(state, command, Date.now(), rules);
      adoptApprovedFollowDeal(rules);
      const ownerToLookUp = spec.needsReportingLineOf?.(command);
      let line: ReportingLine | undefined;
      if (ownerToLookUp !== undefined) {
        line = await lookUpNewOwner(ownerToLookUp);
        spec.validate(state, command, Date.now(), rules); // the deal may have moved on while we waited
        spec.validateWithLine?.(state, command, line, rules);
      }
      const seqBefore = state.seq;
      const outcome = spec.apply(state, command, { now: Date.now(), newId: uuid4, rules }, line);
      const result: CommandResult = {
        requestId: command.requestId,
        command: name,
        seq: state.seq,
        ...outcome,
      };
      rememberResult(state, result);
      // For the caller to project once the Update has committed; a repeat gets the bare result.
      return {
        ...result,
        projection: {
          snapshot: snapshot(state),
          events: state.events.filter((event) => event.seq > seqBefore),
        },
      };
    };

    const handler = onceByRequestId(
      inFlight,
      name,
      (requestId) => rememberedResult(state, requestId),
      execute,
    );

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
      const delivery = await sendNotification(item.request);
      journalSent(state, item);
      if (delivery && delivery.possiblyDuplicated && patched(POSSIBLY_DUPLICATED_PATCH)) {
        // Same Message-ID as the first copy: visible in the deal's history, not only in the outbox.
        appendEvent(state, Date.now(), 'notification_possibly_duplicated', null, {
          key: item.request.key,
          template: item.request.template,
          recipientId: item.request.recipientUserId,
        });
      }
      if (
        delivery &&
        delivery.channelFailures &&
        delivery.channelFailures.length > 0 &&
        patched(CHANNEL_FALLBACK_JOURNAL_PATCH)
      ) {
        // Fell back to email: the deal's history says which channel refused it and why.
        appendEvent(state, Date.now(), 'notification_channel_failed', null, {
          key: item.request.key,
          template: item.request.template,
          recipientId: item.request.recipientUserId,
          failures: delivery.channelFailures.map((f) => ({ channel: f.channel, reason: f.reason })),
        });
      }
      wantProjection(state, io);
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Retries are exhausted only for non-retryable failures (e.g. a recipient with no address).
      appendEvent(state, Date.now(), 'notification_failed', null, {
        key: item.request.key,
        template: item.request.template,
        recipientId: item.request.recipientUserId,
        error: String(err),
      });
      wantProjection(state, io);
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
    // The first design projects every change; the diet only what the workflow asked for.
    await condition(() => !io.draining && state.projectedSeq < (io.lean ? io.wantedSeq : state.seq));
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
