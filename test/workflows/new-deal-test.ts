// Tests of how NEW deals follow the process definition (clocks, stalls, criteria, projections).
// When one fails, its message must also say what that means for deals already running: these
// tests cannot tell; only the replay of the recorded histories can (replay.test.ts,
// replay-check.ts). A test file opts in with `import { newDealTest as test } from './new-deal-test'`:
// same signature as jest's test, and every failure (an assertion, a timeout's error, a throw)
// gets the note below appended.

export const RUNNING_DEALS_NOTE =
  'running deals: not decided by this test (it checks how new deals follow the process definition); ' +
  'test/workflows/replay.test.ts decides whether running deals are affected: if it is green, deals like the ' +
  'recorded ones are not ' +
  '(README "When a test fails: is it the running deals?")';

/** Appends the note to an error's message and stack (jest prints the stack when it has one). */
export function withRunningDealsNote(err: unknown): unknown {
  if (!(err instanceof Error)) return new Error(`${String(err)}\n\n${RUNNING_DEALS_NOTE}`);
  if (err.message.includes(RUNNING_DEALS_NOTE)) return err;
  const message = `${err.message}\n\n${RUNNING_DEALS_NOTE}`;
  if (typeof err.stack === 'string' && err.stack.includes(err.message))
    err.stack = err.stack.replace(err.message, message);
  else err.stack = `${message}\n${err.stack ?? ''}`;
  err.message = message;
  return err;
}

type TestBody = () => unknown;

/** jest's test, with the running-deals note on every failure. */
export function newDealTest(name: string, fn: TestBody, timeout?: number): void {
  test(
    name,
    async () => {
      try {
        await fn();
      } catch (err) {
        throw withRunningDealsNote(err);
      }
    },
    timeout,
  );
}
