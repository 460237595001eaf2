// The note a failing new-deal test carries (new-deal-test.ts): on jest's own assertion errors,
// on plain throws, once only, and a passing body stays passing.

import { RUNNING_DEALS_NOTE, newDealTest, withRunningDealsNote } from './new-deal-test';

function failureOf(body: () => void): Error {
  try {
    body();
  } catch (err) {
    return withRunningDealsNote(err) as Error;
  }
  throw new Error('the body should have failed');
}

test('a failed expectation keeps its diff and gains the note, in message and stack', () => {
  const err = failureOf(() => expect({ stallSlaDays: 10 }).toEqual({ stallSlaDays: 30 }));
  expect(err.message).toContain('stallSlaDays');
  expect(err.message.endsWith(RUNNING_DEALS_NOTE)).toBe(true);
  expect(err.stack).toContain(RUNNING_DEALS_NOTE);
  expect(err.stack).toContain('stallSlaDays');
});

test('a thrown non-error and a repeat are handled', () => {
  const once = failureOf(() => {
    throw new Error('condition not met within 10000 ms');
  });
  expect(withRunningDealsNote(once)).toBe(once);
  expect(once.message.split(RUNNING_DEALS_NOTE)).toHaveLength(2);
  const text = failureOf(() => {
    throw 'no state';
  });
  expect(text.message).toBe(`no state\n\n${RUNNING_DEALS_NOTE}`);
});

newDealTest('a passing body passes through newDealTest', async () => {
  await Promise.resolve();
  expect(1 + 1).toBe(2);
});
