// Moving a running deal from its process version to a later one (issue 17): the
// migrateProcessVersion Update. The migration itself is data (workflows/process-versions.ts); this
// module plans it for one deal (refusing with typed codes what cannot be migrated), applies it and
// journals process_version_migrated. A dry run plans without changing anything.
//
// Replay: the Update is new (no history predates it) and the handler takes
// patched('psm-process-versions') before applying, like every versioned path. What the plan
// depends on (the deal's state and the version data in the bundle) is the same on replay.

import { defineUpdate, patched, setHandler } from '@temporalio/workflow';
import type { ProjectionInput } from '../src/contracts/activities';
import type { CommandBase, OpportunityState } from './opportunity-types';
import { refuse } from './opportunity-errors';
import { requireActor } from './opportunity-permissions';
import { requireText, TEXT_LIMITS, asUpdateValidator } from './opportunity-input';
import { appendEvent, enterStage, snapshot } from './opportunity-state';
import {
  milestoneIn,
  milestoneIndexIn,
  processVersion,
  versionOf,
  type MilestoneMigration,
} from './process-versions';

/** Marks runs that know process versions: processVersion in state, the migration Update. */
export const PROCESS_VERSIONS_PATCH = 'psm-process-versions';

export interface MigrateProcessVersionCommand extends CommandBase {
  toVersion: number;
  /** Plan only: say what would happen, change nothing, journal nothing. */
  dryRun?: boolean;
}

/** One version step of a migration, for one deal. */
export interface MigrationStep {
  fromVersion: number;
  toVersion: number;
  /** The milestone the deal sits at (its last reached) before and after; null = none reached yet. */
  milestone: { from: string | null; to: string | null };
  milestoneIndex: { from: number; to: number };
  mustMeet: string[];
  clocks: 'keep' | 'rearm';
}

export interface MigrationPlan {
  fromVersion: number;
  toVersion: number;
  steps: MigrationStep[];
  /** False when the deal is on the target version already. */
  changes: boolean;
}

export interface MigrationResult {
  requestId: string;
  command: 'migrateProcessVersion';
  dryRun: boolean;
  changed: boolean;
  seq: number;
  plan: MigrationPlan;
  /** For the caller to project (as every command's result); absent on a dry run or a repeat. */
  projection?: ProjectionInput;
}

export const migrateProcessVersionUpdate = defineUpdate<
  MigrationResult,
  [MigrateProcessVersionCommand],
  'migrateProcessVersion'
>('migrateProcessVersion');

const MAX_REMEMBERED_MIGRATIONS = 20;

/** What migrating this deal to `toVersion` does, or a typed refusal. Pure. */
export function planMigration(state: OpportunityState, toVersion: unknown): MigrationPlan {
  if (typeof toVersion !== 'number' || !Number.isInteger(toVersion) || toVersion < 1)
    refuse('INVALID_INPUT', 'toVersion must be a whole number from 1', [
      { path: 'toVersion', message: 'must be a whole number from 1' },
    ]);
  const fromVersion = versionOf(state);
  if (!processVersion(toVersion))
    refuse('PROCESS_VERSION_UNKNOWN', `there is no process version ${toVersion}`, { toVersion });
  if (toVersion < fromVersion)
    refuse(
      'PROCESS_VERSION_DOWNGRADE',
      `the deal runs on version ${fromVersion}; it cannot go back to ${toVersion}`,
      {
        currentVersion: fromVersion,
        toVersion,
      },
    );
  if (state.executionCompletedAt !== null)
    refuse('DEAL_CLOSED', 'the deal is complete: there is nothing left to migrate');

  const steps: MigrationStep[] = [];
  let reachedIndex = state.reachedIndex;
  for (let v = fromVersion + 1; v <= toVersion; v += 1) {
    const source = processVersion(v - 1);
    const target = processVersion(v);
    const migration = target?.migration;
    if (!source || !target || !migration || migration.from !== v - 1)
      refuse('PROCESS_MIGRATION_MISSING', `version ${v} says no way to migrate from ${v - 1}`, {
        fromVersion: v - 1,
        toVersion: v,
      });
    const at = reachedIndex >= 0 ? (milestoneIn(source.definition, reachedIndex)?.key ?? null) : null;
    const ruleKey = at ?? source.definition.milestones[0]?.key ?? '';
    const rule: MilestoneMigration | undefined = migration.milestones[ruleKey];
    if (!rule)
      refuse(
        'PROCESS_MIGRATION_UNMAPPED',
        `the migration to version ${v} has no rule for a deal at ${ruleKey}`,
        {
          toVersion: v,
          milestone: ruleKey,
        },
      );
    const lands = at === null ? null : (rule.moveTo ?? at);
    const landsIndex = lands === null ? -1 : milestoneIndexIn(target.definition, lands);
    if (lands !== null && landsIndex < 0)
      refuse(
        'PROCESS_MIGRATION_UNMAPPED',
        `version ${v} has no milestone ${lands} for a deal at ${ruleKey}`,
        {
          toVersion: v,
          milestone: ruleKey,
        },
      );
    // A pending approval must still make sense on the new version: its milestone exists and is ahead.
    for (const approval of state.approvals) {
      if (approval.status !== 'pending' || approval.milestone === null) continue;
      const index = milestoneIndexIn(target.definition, approval.milestone);
      const stillGated =
        approval.kind !== 'milestone_gate' ||
        (milestoneIn(target.definition, index)?.approvalGate ?? null) !== null;
      if (index < 0 || index <= landsIndex || !stillGated)
        refuse(
          'PROCESS_MIGRATION_BLOCKED',
          `approval ${approval.id} (${approval.kind} ${approval.milestone}) is pending and would not fit version ${v}: decide or withdraw it first`,
          { approvalId: approval.id, milestone: approval.milestone, toVersion: v },
        );
    }
    steps.push({
      fromVersion: v - 1,
      toVersion: v,
      milestone: { from: at, to: lands },
      milestoneIndex: { from: reachedIndex, to: landsIndex },
      mustMeet: at === null ? [] : [...(rule.mustMeet ?? [])],
      clocks: rule.clocks ?? 'keep',
    });
    reachedIndex = landsIndex;
  }
  return { fromVersion, toVersion, steps, changes: steps.length > 0 };
}

/** Applies a plan made just now for this state, step by step, journalling each step. */
export function applyMigration(
  state: OpportunityState,
  plan: MigrationPlan,
  actorId: string,
  now: number,
): void {
  for (const step of plan.steps) {
    const owedBefore = state.owedCriteria ?? null;
    state.processVersion = step.toVersion;
    state.reachedIndex = step.milestoneIndex.to;
    // Owed criteria follow the deal while it stays at the milestone they belong to.
    const carried = owedBefore !== null && owedBefore.milestone === step.milestone.to ? owedBefore.keys : [];
    const owed = [...new Set([...carried, ...step.mustMeet])];
    state.owedCriteria =
      owed.length > 0 && step.milestone.to !== null ? { milestone: step.milestone.to, keys: owed } : null;
    if (step.clocks === 'rearm') enterStage(state, now);
    appendEvent(state, now, 'process_version_migrated', actorId, {
      fromVersion: step.fromVersion,
      toVersion: step.toVersion,
      milestone: step.milestone,
      milestoneIndex: step.milestoneIndex,
      mustMeet: step.mustMeet,
      clocks: step.clocks,
    });
  }
}

/** Only an admin (the process owner) migrates deals. */
function requireProcessOwner(command: MigrateProcessVersionCommand): void {
  const actor = requireActor(command.actor);
  if (actor.role !== 'admin')
    refuse('FORBIDDEN', `${actor.userId} is not a process owner (admin): only they migrate deals`);
}

function remembered(state: OpportunityState, requestId: string): MigrationResult | undefined {
  return state.migrationRequests?.find((r) => r.requestId === requestId)?.result as
    MigrationResult | undefined;
}

/** Registers the migrateProcessVersion Update; `onApplied` tells the workflow it appended events. */
export function registerMigrationHandler(state: OpportunityState, onApplied: () => void): void {
  const validate = (command: MigrateProcessVersionCommand): void => {
    if (typeof command !== 'object' || command === null)
      refuse('INVALID_INPUT', 'migrateProcessVersion needs a command object');
    requireText(command.requestId, 'requestId', TEXT_LIMITS.name);
    requireProcessOwner(command);
    if (remembered(state, command.requestId)) return;
    if (command.dryRun !== undefined && typeof command.dryRun !== 'boolean')
      refuse('INVALID_INPUT', 'dryRun must be true or false', [
        { path: 'dryRun', message: 'must be a boolean' },
      ]);
    planMigration(state, command.toVersion);
  };

  setHandler(
    migrateProcessVersionUpdate,
    (command) => {
      const earlier = remembered(state, command.requestId);
      if (earlier) return Promise.resolve(earlier);
      const dryRun = command.dryRun === true;
      const plan = planMigration(state, command.toVersion);
      const seqBefore = state.seq;
      if (!dryRun && plan.changes && patched(PROCESS_VERSIONS_PATCH)) {
        applyMigration(state, plan, command.actor.userId, Date.now());
        onApplied();
      }
      const result: MigrationResult = {
        requestId: command.requestId,
        command: 'migrateProcessVersion',
        dryRun,
        changed: state.seq > seqBefore,
        seq: state.seq,
        plan,
      };
      const list = (state.migrationRequests ??= []);
      list.push({ requestId: command.requestId, result });
      if (list.length > MAX_REMEMBERED_MIGRATIONS) list.splice(0, list.length - MAX_REMEMBERED_MIGRATIONS);
      return Promise.resolve(
        result.changed
          ? {
              ...result,
              projection: {
                snapshot: snapshot(state),
                events: state.events.filter((e) => e.seq > seqBefore),
              },
            }
          : result,
      );
    },
    { validator: (command) => asUpdateValidator(() => validate(command)) },
  );
}
