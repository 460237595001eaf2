// The running workflow's Update validators hold commands to the same input rules as the API
// (src/contracts/input-rules.ts), for callers that bypass the API: NUL and control characters,
// unreal dates and amounts with more than two decimals are refused with INVALID_INPUT and typed
// details, and nothing is recorded. (Validators never run on replay, so this tightening is
// replay-safe; test/workflows/replay.test.ts still replays every recorded history.)

import { ApplicationFailure } from '@temporalio/common';
import { ACTORS, useHarness } from './helpers';

const h = useHarness();

async function refusal(attempt: Promise<unknown>): Promise<{ code: string | undefined; details: unknown }> {
  try {
    await attempt;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ApplicationFailure)
      return { code: cause.type ?? undefined, details: cause.details?.[0] };
    throw err;
  }
  throw new Error('expected the command to be refused, but it was applied');
}

test('NUL and control characters, unreal dates and three-decimal amounts are refused', async () => {
  const deal = await h.startDeal();
  const seq = (await deal.state()).seq;
  const now = new Date().toISOString();
  const attempts: [string, Promise<unknown>][] = [
    ['note', deal.command('logActivity', ACTORS.rep, { kind: 'visit', occurredAt: now, note: 'a\u0000b' })],
    [
      'occurredAt',
      deal.command('logActivity', ACTORS.rep, {
        kind: 'visit',
        occurredAt: '2026-02-30T10:00:00Z',
        note: 'x',
      }),
    ],
    [
      'name',
      deal.command('upsertStakeholder', ACTORS.rep, {
        name: 'Ms\u0007Gao',
        role: 'decision_maker',
        stance: 'sponsor',
      }),
    ],
    ['amount', deal.command('updateDeal', ACTORS.rep, { amount: 0.125 })],
    ['expectedCloseDate', deal.command('updateDeal', ACTORS.rep, { expectedCloseDate: '0000-01-01' })],
    ['reason', deal.command('hold', ACTORS.rep, { reason: 'budget\u0000' })],
  ];
  for (const [path, attempt] of attempts) {
    expect({ path, ...(await refusal(attempt)) }).toEqual({
      path,
      code: 'INVALID_INPUT',
      details: [{ path, message: expect.any(String) }],
    });
  }
  expect((await deal.state()).seq).toBe(seq);
  // Clean values of the same shape pass.
  expect(
    (await deal.command('updateDeal', ACTORS.rep, { amount: 0.29, expectedCloseDate: '2028-02-29' })).changed,
  ).toBe(true);
  expect((await deal.state()).amount).toBe(0.29);
});
