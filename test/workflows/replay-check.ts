// Replaying a recorded history with a message a process owner can act on: when the replay fails,
// which history, where its deal stood, and what to do (running deals like it would diverge, so
// the change goes behind patched() with a new recording), followed by the SDK's own reason.

import path from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { historyUse } from './history-coverage';
import { readHistoryFile } from './history-files';

/** Where the history's deal last stood, from the last snapshot it projected: "商务突破 (open)". */
export function whereTheDealStood(file: string): string {
  const last = historyUse(file).lastSnapshot;
  if (!last) return 'its first step';
  const milestone = PSM_PROCESS.milestones.find((m) => m.key === last.milestone);
  const name = milestone ? `${milestone.name.zh} ${milestone.key}` : last.milestone;
  return `${name}, ${last.status}`;
}

export function notReplaySafeMessage(file: string, reason: string): string {
  const name = path.basename(file, '.json');
  return (
    `${name}: this change is not replay-safe: running deals like the one recorded in ` +
    `test/histories/${name}.json (last projected at ${whereTheDealStood(file)}) would diverge when their worker ` +
    `restarts on the new code. Put the changed logic behind patched('<new-id>') (old runs keep the ` +
    `old path), record a new history for the new path (npx tsx test/workflows/record-histories.ts), ` +
    `never edit or re-record this one. A pure threshold change never lands here. Replay said: ${reason}`
  );
}

/** Replays one history file against `bundle`; rejects with notReplaySafeMessage on failure. */
export async function replayOrExplain(bundle: WorkflowBundleWithSourceMap, file: string): Promise<void> {
  const history = readHistoryFile(file);
  try {
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, path.basename(file, '.json'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(notReplaySafeMessage(file, reason), { cause: err });
  }
}
