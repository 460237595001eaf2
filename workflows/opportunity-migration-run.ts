// The bulk run of a process migration (issue 17): the process owner asks, through
// POST /api/admin/process-migrations, to move many deals to a later process version (or to dry-run
// it). This workflow sends each deal's migrateProcessVersion Update (through an activity: a
// workflow cannot send Updates) a few at a time and keeps the tally, which the API reads with the
// processMigrationProgress query. Each deal's request id is derived from this run's id, so a retried
// activity or a restarted worker never migrates a deal twice.

import { defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities, DealMigrationOutcome } from '../src/contracts/activities';
import type { Actor } from './opportunity-types';
import { MIGRATION_ACTIVITY } from './activity-options';

export interface ProcessMigrationRunInput {
  toVersion: number;
  dryRun: boolean;
  opportunityIds: string[];
  requestedBy: Actor;
}

export interface ProcessMigrationProgress {
  toVersion: number;
  dryRun: boolean;
  total: number;
  done: number;
  migrated: number;
  unchanged: number;
  refused: number;
  finished: boolean;
  results: DealMigrationOutcome[];
}

export const processMigrationProgressQuery =
  defineQuery<ProcessMigrationProgress>('processMigrationProgress');

/** Deals migrated at once: bounded so a large run does not flood the server. */
const PARALLEL_MIGRATIONS = 10;

const { migrateDealToVersion } = proxyActivities<Activities>(MIGRATION_ACTIVITY);

export async function processMigrationRun(
  input: ProcessMigrationRunInput,
): Promise<ProcessMigrationProgress> {
  const progress: ProcessMigrationProgress = {
    toVersion: input.toVersion,
    dryRun: input.dryRun,
    total: input.opportunityIds.length,
    done: 0,
    migrated: 0,
    unchanged: 0,
    refused: 0,
    finished: false,
    results: [],
  };
  setHandler(processMigrationProgressQuery, () => progress);
  const runId = workflowInfo().workflowId;
  for (let i = 0; i < input.opportunityIds.length; i += PARALLEL_MIGRATIONS) {
    const batch = input.opportunityIds.slice(i, i + PARALLEL_MIGRATIONS);
    const outcomes = await Promise.all(
      batch.map((opportunityId) =>
        migrateDealToVersion({
          opportunityId,
          toVersion: input.toVersion,
          dryRun: input.dryRun,
          requestId: `${runId}:${opportunityId}`,
          actor: input.requestedBy,
        }),
      ),
    );
    for (const outcome of outcomes) {
      progress.results.push(outcome);
      progress.done += 1;
      if (outcome.outcome === 'refused') progress.refused += 1;
      else if (outcome.outcome === 'migrated') progress.migrated += 1;
      else progress.unchanged += 1;
    }
  }
  progress.finished = true;
  return progress;
}
