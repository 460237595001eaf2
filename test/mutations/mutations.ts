// The edits the replay net must catch (issue 17: "every non-deterministic edit to the workflow's
// covered paths fails CI"), and a few it must let through. Each is one exact text replacement in
// one file of workflows/, applied alone to a scratch clone by replay-mutations.ts, which then runs
// the replay tests. A non-deterministic edit changes the commands a recorded history holds (an
// activity scheduled or not, in another order, a timer, a marker, a continue-as-new) on a path some
// committed history walks: the replay must fail ("killed"). A number in psm-process.ts is replay-safe
// by design (README, "Changing the sales process"): the replay must stay green ("survives").
//
// An edit whose `find` text no longer occurs exactly once is reported as stale (the code moved on):
// update the edit rather than dropping it.

export interface Mutation {
  id: string;
  /** The path of the workflow the edit touches, as the coverage check names paths. */
  path: string;
  file: string;
  find: string;
  replace: string;
  /** 'killed': a non-deterministic edit the replay tests must fail on; 'survives': a safe change. */
  expect: 'killed' | 'survives';
  /** Test files to run besides test/workflows/replay.test.ts (e.g. the migration history's replay). */
  alsoRun?: { file: string; testName?: string };
}

const MIGRATION_REPLAY = {
  file: 'test/workflows/process-version-migration.test.ts',
  testName: 'the recorded migration history replays',
};

export const MUTATIONS: Mutation[] = [
  // ---- the deal's start, continue-as-new and end (opportunity.ts) ---------------------------------
  {
    id: 'start-without-line-lookup',
    path: 'start: the owner’s reporting line is read',
    file: 'workflows/opportunity.ts',
    find: `  if (state.reportingLine === null) {
    await loadReportingLine(state);
    wantProjection(state, io);
  }`,
    replace: `  if (state.reportingLine === null) {
    wantProjection(state, io);
  }`,
    expect: 'killed',
  },
  {
    id: 'second-run-reads-line-again',
    path: 'the second run after continue-as-new',
    file: 'workflows/opportunity.ts',
    find: `  if (state.reportingLine === null) {
    await loadReportingLine(state);`,
    replace: `  if (state.reportingLine === null || input.carried) {
    state.reportingLine = null;
    await loadReportingLine(state);`,
    expect: 'killed',
  },
  {
    id: 'continue-as-new-later',
    path: 'continue-as-new (first run)',
    file: 'workflows/opportunity.ts',
    find: `return info.historyLength >= Math.max(input.historyLengthLimit, MIN_HISTORY_LENGTH_LIMIT);`,
    replace: `return info.historyLength >= Math.max(input.historyLengthLimit, MIN_HISTORY_LENGTH_LIMIT) + 10;`,
    expect: 'killed',
  },
  {
    id: 'finish-without-last-projection',
    path: 'a completed deal',
    file: 'workflows/opportunity.ts',
    find: `  // The deal is done: nothing may be left unsent or unprojected.
  wantProjection(state, io);`,
    replace: `  // The deal is done: nothing may be left unsent or unprojected.`,
    expect: 'killed',
  },
  {
    id: 'io-loops-reordered',
    path: 'outbox and projection loops (every deal)',
    file: 'workflows/opportunity.ts',
    find: `    drainOutbox(state, io),
    projectChanges(state, io),`,
    replace: `    projectChanges(state, io),
    drainOutbox(state, io),`,
    expect: 'killed',
  },
  {
    id: 'project-before-journalling-sent-mail',
    path: 'outbox: a sent mail is projected',
    file: 'workflows/opportunity.ts',
    find: `        });
      }
      wantProjection(state, io);
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Retries are exhausted only`,
    replace: `        });
      }
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Retries are exhausted only`,
    expect: 'killed',
  },
  {
    id: 'failed-mail-not-projected',
    path: 'a mail that failed for good',
    file: 'workflows/opportunity.ts',
    find: `        error: String(err),
      });
      wantProjection(state, io);
    } finally {`,
    replace: `        error: String(err),
      });
    } finally {`,
    expect: 'killed',
  },
  {
    id: 'only-first-due-clock-fires',
    path: 'clock check: several clocks due at once',
    file: 'workflows/opportunity.ts',
    find: `  for (const identity of due) {`,
    replace: `  for (const identity of due.slice(0, 1)) {`,
    expect: 'killed',
  },
  {
    id: 'clock-check-adopts-no-line',
    path: 'a reorganisation noticed at the clock check',
    file: 'workflows/opportunity.ts',
    find: `    reportingLine &&
    reportingLine.userId === state.ownerId &&`,
    replace: `    reportingLine &&
    state.status === 'on_hold' &&
    reportingLine.userId === state.ownerId &&`,
    expect: 'killed',
  },
  {
    id: 'reorganisation-without-lookup',
    path: 'a reorganisation (signal)',
    file: 'workflows/opportunity.ts',
    find: `      const line = await lookupReportingLine(ownerId);
      // An owner change while the read ran brought its own look-up.`,
    replace: `      const line = state.reportingLine ?? (await lookupReportingLine(ownerId));
      // An owner change while the read ran brought its own look-up.`,
    expect: 'killed',
  },
  {
    id: 'reorganisation-not-projected',
    path: 'a reorganisation (signal)',
    file: 'workflows/opportunity.ts',
    find: `        adoptLine(state, line, rules, 'reorganisation');
        wantProjection(state, io);`,
    replace: `        adoptLine(state, line, rules, 'reorganisation');`,
    expect: 'killed',
  },
  {
    id: 'timer-sleeps-a-minute-longer',
    path: 'the wake-up timer',
    file: 'workflows/opportunity.ts',
    find: `    .run(() => sleep(Math.max(1, at - Date.now())))`,
    replace: `    .run(() => sleep(Math.max(1, at - Date.now()) + 60_000))`,
    // Measured: survives, and rightly. Replay matches a timer by its sequence number, not its
    // duration, and a recorded run's timer fires when its history says; which clocks are due is
    // the recorded checkClocks answer. So a changed duration is a number, like an SLA: running
    // deals keep the timer they armed. (A timer added or removed is a command: see below.)
    expect: 'survives',
  },
  {
    id: 'timer-before-each-clock-check',
    path: 'the wake-up timer',
    file: 'workflows/opportunity.ts',
    find: `      await checkAndFireClocks(state, io, rules);`,
    replace: `      await sleep(1);
      await checkAndFireClocks(state, io, rules);`,
    expect: 'killed',
  },
  {
    id: 'hold-keeps-the-wake-up-timer',
    path: 'hold and resume',
    file: 'workflows/opportunity-timers.ts',
    find: '  return `${state.status}:${state.approvals.length}`;',
    replace: "  return `${state.status === 'on_hold' ? 'open' : state.status}:${state.approvals.length}`;",
    expect: 'killed',
  },
  {
    id: 'lost-keeps-the-wake-up-timer',
    path: 'lost and reopened',
    file: 'workflows/opportunity-timers.ts',
    find: '  return `${state.status}:${state.approvals.length}`;',
    replace: "  return `${state.status === 'lost' ? 'open' : state.status}:${state.approvals.length}`;",
    expect: 'killed',
  },
  // ---- the clocks (opportunity-timers.ts) -----------------------------------------------------------
  {
    id: 'stall-silent-from-technical-breakthrough-2',
    path: 'a stall at 技术突破2 or later',
    file: 'workflows/opportunity-timers.ts',
    find: `  const escalation = advance(state, timer, now);`,
    replace: `  if (timer.kind === 'stall' && stageIndex(state) >= 3) return;
  const escalation = advance(state, timer, now);`,
    expect: 'killed',
  },
  {
    id: 'stall-level-2-also-tells-the-manager',
    path: 'a stall through both escalation levels',
    file: 'workflows/opportunity-timers.ts',
    find: `  // LTC runs: a stall on the way to a technical milestone also tells the SR (routing by role).`,
    replace: `  if (timer.kind === 'stall' && escalation.level === 2 && state.reportingLine?.managerId)
    queueNotification(state, now, {
      key: \`\${escalation.key}:manager\`,
      template: escalation.template,
      recipientUserId: state.reportingLine.managerId,
      level: 2,
      escalationKind: timer.kind,
    });
  // LTC runs: a stall on the way to a technical milestone also tells the SR (routing by role).`,
    expect: 'killed',
  },
  {
    id: 'stall-clock-renamed',
    path: 'the stall ladder (any milestone)',
    file: 'workflows/opportunity-timers.ts',
    find: 'identity: `stall:${state.stageVisit}:${level}:${anchor}`,',
    replace: 'identity: `stall:${level}:${state.stageVisit}:${anchor}`,',
    expect: 'killed',
  },
  {
    id: 'contract-window-skipped',
    path: 'the contract-window escalation',
    file: 'workflows/opportunity-timers.ts',
    find: `        template: 'contract_window_escalation',
        recipientUserId: line?.managerId ?? line?.directorId ?? null,`,
    replace: `        template: 'contract_window_escalation',
        recipientUserId: null,`,
    expect: 'killed',
  },
  {
    id: 'contract-window-not-escalated-after-a-stall',
    path: 'the contract-window escalation',
    file: 'workflows/opportunity-timers.ts',
    find: `  if (state.contractWindow && !state.contractWindow.escalated) {`,
    replace: `  if (state.contractWindow && !state.contractWindow.escalated && state.stall.level === 0) {`,
    expect: 'killed',
  },
  {
    id: 'follow-up-reminds-once',
    path: 'follow-up reminders',
    file: 'workflows/opportunity-timers.ts',
    find: `  if (stage.followUpCadenceDays !== null) {
    const { anchor, sent } = state.followUp;`,
    replace: `  if (stage.followUpCadenceDays !== null && state.followUp.sent === 0) {
    const { anchor, sent } = state.followUp;`,
    expect: 'killed',
  },
  {
    id: 'approval-escalation-dropped',
    path: 'approval chasing',
    file: 'workflows/opportunity-timers.ts',
    find: `    if (approval.status !== 'pending' || approval.chaseLevel >= 2) continue;`,
    replace: `    if (approval.status !== 'pending' || approval.chaseLevel >= 1) continue;`,
    expect: 'killed',
  },
  // ---- commands (workflows/commands) -----------------------------------------------------------------
  {
    id: 'rejection-not-told',
    path: 'a rejected approval (and its re-request)',
    file: 'workflows/commands/approval-commands.ts',
    find: `    if (approval.requestedById !== command.actor.userId) {
      queueNotification(state, now, {
        key: \`\${state.id}:approval:\${approval.id}:decision\`,`,
    replace: `    if (approval.requestedById !== command.actor.userId && command.decision !== 'rejected') {
      queueNotification(state, now, {
        key: \`\${state.id}:approval:\${approval.id}:decision\`,`,
    expect: 'killed',
  },
  {
    id: 'owner-change-without-lookup',
    path: 'an owner change',
    file: 'workflows/commands/deal-commands.ts',
    find: `  needsReportingLineOf: (command) => command.ownerId,`,
    replace: `  needsReportingLineOf: () => undefined,`,
    expect: 'killed',
  },
  // ---- process versions (opportunity-migration.ts) ---------------------------------------------------
  {
    id: 'migration-not-projected',
    path: 'a deal migrated between process versions',
    file: 'workflows/opportunity-migration.ts',
    find: `        applyMigration(state, plan, command.actor.userId, Date.now());
        onApplied();`,
    replace: `        applyMigration(state, plan, command.actor.userId, Date.now());`,
    expect: 'killed',
    alsoRun: MIGRATION_REPLAY,
  },
  // ---- punctual wake-ups (punctual-sleep.ts, deals and accounts) --------------------------------
  {
    id: 'punctual-wake-one-step',
    path: 'a wake-up in two steps (psm-punctual-timers)',
    file: 'workflows/punctual-sleep.ts',
    find: `  await sleep(Math.max(1, at - Date.now() - PUNCTUAL_MARGIN_MS));
  await sleep(Math.max(1, at - Date.now()));`,
    replace: `  await sleep(Math.max(1, at - Date.now()));`,
    expect: 'killed',
  },
  // ---- numbers: replay-safe by design ------------------------------------------------------------------
  {
    id: 'number-punctual-margin',
    path: 'a number',
    file: 'workflows/punctual-sleep.ts',
    find: `export const PUNCTUAL_MARGIN_MS = 2_000;`,
    replace: `export const PUNCTUAL_MARGIN_MS = 5_000;`,
    expect: 'survives',
  },
  {
    id: 'number-tb1-stall-sla-30-to-10',
    path: 'a number (walk-through 1)',
    file: 'workflows/psm-process.ts',
    find: `        item('review_with_evaluators', '与技术评估者逐项确认方案', 'Review the proposal with the evaluators'),
      ],
      stallSlaDays: 30,`,
    replace: `        item('review_with_evaluators', '与技术评估者逐项确认方案', 'Review the proposal with the evaluators'),
      ],
      stallSlaDays: 10,`,
    expect: 'survives',
    alsoRun: MIGRATION_REPLAY,
  },
  {
    id: 'number-initiation-sla-and-cadence',
    path: 'a number',
    file: 'workflows/psm-process.ts',
    find: `      stallSlaDays: 14,
      followUpCadenceDays: 7,`,
    replace: `      stallSlaDays: 9,
      followUpCadenceDays: 3,`,
    expect: 'survives',
  },
  {
    id: 'number-director-delay',
    path: 'a number',
    file: 'workflows/psm-process.ts',
    find: `  stallEscalation: { directorAfterDays: 7 },`,
    replace: `  stallEscalation: { directorAfterDays: 2 },`,
    expect: 'survives',
  },
  {
    id: 'number-contract-window-working-days',
    path: 'a number',
    file: 'workflows/psm-process.ts',
    find: `  contractWindow: { from: 'business_breakthrough', workingDays: 30 },`,
    replace: `  contractWindow: { from: 'business_breakthrough', workingDays: 12 },`,
    expect: 'survives',
  },
];
