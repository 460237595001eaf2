// The smallest long-lived workflow with an Update, for worker take-over tests: it waits forever
// and counts the Updates it accepted.
import { condition, continueAsNew, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

export const bump = defineUpdate<number>('bump');

export async function counterWorkflow(): Promise<void> {
  let count = 0;
  setHandler(bump, () => ++count);
  await condition(() => false);
}

export const continueSignal = defineSignal('continue');

/** Continues as new once signalled, naming no options (as the opportunity workflow does). */
export async function continuingCounterWorkflow(generation: number): Promise<void> {
  let go = false;
  setHandler(continueSignal, () => {
    go = true;
  });
  await condition(() => go);
  await continueAsNew<typeof continuingCounterWorkflow>(generation + 1);
}
