// What the wake-up timer armed after a clock check counts from (issue 16). The server starts a
// timer when the workflow task completes, so if the workflow's clock stood at the task's start a
// check slowed by its reads would push the next wake-up late by its own duration. It does not:
// the SDK moves the workflow's clock on when the local activity resolves, so the timer armed after
// the check sleeps from the check's end. This pins that (a change to "credit" the check's time in
// the workflow was measured against it and dropped: it would count the check twice). On the
// time-skipping server, the fake check really taking its time; the timer's duration is read from
// the deal's history. A wake-up sleeps in two steps (workflows/punctual-sleep.ts): to
// PUNCTUAL_MARGIN_MS before its due time, then the rest from a task of its own; the second test
// pins that, so a slow arming task no longer delays the clock.

import { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { useHarness, waitUntil, type DealDriver } from './helpers';
import { PUNCTUAL_MARGIN_MS } from '../../workflows/punctual-sleep';
// A failure says it checks new deals; the replay tests decide for running deals.
import { newDealTest as test } from './new-deal-test';

const h = useHarness();
const T = temporal.api.enums.v1.EventType;

/** The clock check's local-activity marker. */
const isCheck = (e: temporal.api.history.v1.IHistoryEvent) =>
  Number(e.eventType) === T.EVENT_TYPE_MARKER_RECORDED &&
  e.markerRecordedEventAttributes?.markerName === 'core_local_activity';

afterEach(() => {
  h.fakes.checkDelayMs = 0;
});

/** Lets the deal's first wake-up fire; returns the check's `now` and the timer armed after it. */
async function wakeOnce(deal: DealDriver): Promise<{ now: number; sleptMs: number; next: number }> {
  const first = Date.parse((await deal.state()).nextClockCheckAt ?? '');
  const checksOf = () => h.fakes.clockChecks.filter((c) => c.opportunityId === deal.id);
  const before = checksOf().length;
  await h.advance(first - (await h.env.currentTimeMs()) + 1_000);
  await waitUntil(
    async () => checksOf().length > before && Date.parse((await deal.state()).nextClockCheckAt ?? '') > first,
  );
  const events = (await deal.handle.fetchHistory()).events ?? [];
  const marker = events.length - 1 - [...events].reverse().findIndex(isCheck);
  const timer = events.slice(marker).find((e) => Number(e.eventType) === T.EVENT_TYPE_TIMER_STARTED);
  return {
    now: Date.parse(checksOf().at(-1)!.now),
    // The first step of the wake-up: it ends PUNCTUAL_MARGIN_MS before the due time.
    sleptMs: tsToMs(timer?.timerStartedEventAttributes?.startToFireTimeout ?? undefined) + PUNCTUAL_MARGIN_MS,
    next: Date.parse((await deal.state()).nextClockCheckAt ?? ''),
  };
}

test('the wake-up armed after a check that took 1.5 s sleeps from the end of the check', async () => {
  const quick = await wakeOnce(await h.startDeal());
  // Armed from (about) the check's start: the fake answers at once.
  expect(Math.abs(quick.next - quick.now - quick.sleptMs)).toBeLessThan(500);
  h.fakes.checkDelayMs = 1_500;
  const slow = await wakeOnce(await h.startDeal());
  // next - now is the sleep plus the time the workflow's clock moved during the check.
  const moved = slow.next - slow.now - slow.sleptMs;
  expect(moved).toBeGreaterThanOrEqual(1_500);
  expect(moved).toBeLessThan(3_000);
});

test('a wake-up sleeps to the margin before its due time, then the rest from a task of its own', async () => {
  const deal = await h.startDeal();
  const due = Date.parse((await deal.state()).nextClockCheckAt ?? '');
  await wakeOnce(deal);
  const check = h.fakes.clockChecks.find((c) => c.opportunityId === deal.id);
  // Never early, and on time: the remainder was armed PUNCTUAL_MARGIN_MS ahead.
  expect(Date.parse(check!.now)).toBeGreaterThanOrEqual(due);
  expect(Date.parse(check!.now) - due).toBeLessThan(PUNCTUAL_MARGIN_MS);

  const events = (await deal.handle.fetchHistory()).events ?? [];
  const firstCheck = events.findIndex(isCheck);
  const durationOf = (startedEventId: unknown) =>
    tsToMs(
      events.find((e) => Number(e.eventId) === Number(startedEventId))?.timerStartedEventAttributes
        ?.startToFireTimeout ?? undefined,
    );
  const fired = events
    .slice(0, firstCheck)
    .filter((e) => Number(e.eventType) === T.EVENT_TYPE_TIMER_FIRED)
    .map((e) => durationOf(e.timerFiredEventAttributes?.startedEventId));
  // The long step, then the rest (at most the margin): two timers before the check.
  expect(fired.length).toBeGreaterThanOrEqual(2);
  expect(fired.at(-2)).toBeGreaterThan(PUNCTUAL_MARGIN_MS);
  expect(fired.at(-1)).toBeGreaterThan(0);
  expect(fired.at(-1)).toBeLessThanOrEqual(PUNCTUAL_MARGIN_MS);
});
