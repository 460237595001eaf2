// A durable sleep that ends on its due time even when the task that armed it ran long (issue 16).
//
// The server starts a timer when the workflow task that asked for it completes, but the workflow
// computes the timer's duration from its clock, which stands at that task's start. So a timer
// fires late by however long its arming task took, queueing on a busy worker included: a deal
// whose clocks were armed during a burst (a start-up, an import, a morning of commands) has every
// one of them late by that burst's queue. Sleeping to a little before the due time and then the
// rest moves the remainder's arming into a task of its own, which does nothing else and runs
// `PUNCTUAL_MARGIN_MS` before the due time: the clock then fires within that small task's
// duration of its due time, whatever the first task cost. One more timer per wake-up.

import { CancellationScope, isCancellation, patched, sleep } from '@temporalio/workflow';

/**
 * Runs started after it sleep in two steps (above); runs started before take it at their next
 * arming after the deployment (patched() there records it), so what they recorded replays.
 */
export const PUNCTUAL_TIMERS_PATCH = 'psm-punctual-timers';

/** How long before the due time the first step ends: well above a busy worker's task queue. */
export const PUNCTUAL_MARGIN_MS = 2_000;

/**
 * Sleeps until `at` (epoch ms, by the workflow's clock); cancelled with the scope it runs in.
 * Always two timers with the patch, however near `at` is: how many timers a wake-up takes must
 * not depend on the due time, or a retuned threshold would change a recorded history's commands
 * (replay-retuned.test.ts).
 */
export async function sleepUntilPunctual(at: number): Promise<void> {
  if (!patched(PUNCTUAL_TIMERS_PATCH)) {
    await sleep(Math.max(1, at - Date.now()));
    return;
  }
  await sleep(Math.max(1, at - Date.now() - PUNCTUAL_MARGIN_MS));
  await sleep(Math.max(1, at - Date.now()));
}

/**
 * A durable wake-up at `at`, cancellable through the returned scope; `onFire` runs when it ends.
 * The one way the deal's and the account's clocks arm a timer.
 */
export function sleepUntil(at: number, onFire: () => void): CancellationScope {
  const scope = new CancellationScope();
  void scope
    .run(() => sleepUntilPunctual(at))
    .then(onFire, (err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  return scope;
}
