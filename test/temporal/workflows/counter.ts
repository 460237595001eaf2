// The smallest long-lived workflow with an Update, for worker take-over tests: it waits forever
// and counts the Updates it accepted.
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const bump = defineUpdate<number>('bump');

export async function counterWorkflow(): Promise<void> {
  let count = 0;
  setHandler(bump, () => ++count);
  await condition(() => false);
}
