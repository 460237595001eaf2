// Baselines for the workflow benchmark: what an empty long-lived workflow costs.
import { condition, defineQuery, defineUpdate, setHandler, sleep } from '@temporalio/workflow';

export const readyQuery = defineQuery<boolean>('ready');
export const touchUpdate = defineUpdate<number, [number]>('touch');

/** An empty long-lived workflow holding one timer: the memory baseline. */
export async function idleWithTimer(): Promise<void> {
  setHandler(readyQuery, () => true);
  await sleep('3650 days');
}

/** A workflow whose Update does nothing but answer: the history baseline. */
export async function bareUpdate(): Promise<void> {
  let touches = 0;
  setHandler(readyQuery, () => true);
  setHandler(touchUpdate, (n) => (touches += n));
  await condition(() => false, '3650 days');
}
