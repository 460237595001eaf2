// The bench:timers worker's workflows: the product's deal and account workflows, and a bare
// sleeper beside them.
import { sleep } from '@temporalio/workflow';

// The deal's and the account's workflows only: neither starts another workflow.
export { opportunity, account } from '../../workflows';

/**
 * Sleeps until each due time (epoch ms) in turn and returns how late it woke for each (workflow
 * time at the wake-up minus the due time): the baseline a deal's and an account's clocks are
 * compared against.
 */
export async function bareSleeper(dues: number[]): Promise<number[]> {
  const late: number[] = [];
  for (const due of dues) {
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    late.push(Date.now() - due);
  }
  return late;
}
