// The history diet (runs started since the lean-history patch), on the time-skipping server:
// a command costs its Update and nothing else, the read model still gets every event (from the
// caller, or repaired by the workflow's own clock check when a caller died), and clocks that a
// command starts are kept on time by a wake-up timer the command never touches.

import { temporal } from '@temporalio/proto';
import { PSM_PROCESS, daysToMs } from '../../workflows/psm-process';
import { clockCheckHorizonMs } from '../../workflows/opportunity-timers';
import {
  ACTORS,
  DAY_MS,
  USERS,
  useHarness,
  eventually,
  refusalOf,
  waitUntil,
  type DealDriver,
} from './helpers';
import { complete, completeThroughGate, firstGate, logCall, passGate } from './scenarios';
// A failure says it checks new deals; the replay tests decide for running deals.
import { newDealTest as test } from './new-deal-test';

const h = useHarness();

const T = temporal.api.enums.v1.EventType;

async function eventTypes(deal: DealDriver): Promise<number[]> {
  return ((await deal.handle.fetchHistory()).events ?? []).map((e) => Number(e.eventType));
}

/** Waits until nothing more is being added to the deal's history (its I/O loops are idle). */
async function settled(deal: DealDriver): Promise<number[]> {
  let previous = '';
  let types: number[] = [];
  await waitUntil(async () => {
    types = await eventTypes(deal);
    const state = await deal.state();
    const key = `${types.length}:${state.seq}`;
    const stable = key === previous && deal.readModelSeq() === state.seq;
    previous = key;
    if (!stable) await new Promise((r) => setTimeout(r, 100));
    return stable;
  });
  return types;
}

test('runs record each patch marker once (lean history, authorization rules)', async () => {
  const deal = await h.startDeal();
  await passGate(deal, firstGate());
  await logCall(h, deal);
  const history = await deal.handle.fetchHistory();
  const markers = (history.events ?? []).filter((e) => Number(e.eventType) === T.EVENT_TYPE_MARKER_RECORDED);
  const patchMarkers = markers.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
  const ids = patchMarkers.map((e) =>
    Buffer.from(
      e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data ?? [],
    ).toString(),
  );
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.join()).toContain('psm-search-attributes');
});

test('completing a milestone adds the Update to history, and the search-attribute upsert of a new stage', async () => {
  const deal = await h.startDeal();
  for (const [i, milestone] of PSM_PROCESS.milestones.slice(0, 5).entries()) {
    // A gate the definition puts here is passed first: its request and decision are Updates of their own.
    await passGate(deal, milestone.key);
    const before = await settled(deal);
    await complete(deal, milestone.key);
    const after = await settled(deal);
    expect(after.slice(before.length)).toEqual([
      T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      T.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
      // The first milestone is the deal's stage already; each later one changes PsmMilestone.
      ...(i === 0 ? [] : [T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES]),
      T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
    ]);
    // ...and the read model has the milestone, from the caller's projection of the result.
    expect(h.fakes.lastSnapshotOf(deal.id)).toMatchObject({ milestone: milestone.key });
  }
});

test('logging activity adds the Update to history and nothing else', async () => {
  const deal = await h.startDeal();
  const before = await settled(deal);
  await logCall(h, deal);
  await logCall(h, deal, 'Second call.');
  const after = await settled(deal);
  expect(after.length - before.length).toBe(10);
});

test('a command whose caller died before projecting it reaches the read model at the next clock check', async () => {
  const deal = await h.startDeal();
  await settled(deal);
  const result = await deal.commandWithoutProjecting('logActivity', ACTORS.rep, {
    kind: 'visit',
    occurredAt: new Date(await h.env.currentTimeMs()).toISOString(),
    note: 'Site visit; the API process died before projecting it.',
  });
  expect(result.projection?.events.map((e) => e.type)).toEqual(['activity_logged']);
  expect(deal.readModelSeq()).toBe(result.seq - 1);

  await h.advance(clockCheckHorizonMs() + 60_000);
  await eventually(() => expect(deal.readModelSeq()).toBeGreaterThanOrEqual(result.seq));
  const logged = h.fakes.projectedEventsFor(deal.id).find((e) => e.seq === result.seq);
  expect(logged).toMatchObject({ type: 'activity_logged', actorId: ACTORS.rep.userId });
  // The check that found the gap was given the deal's clocks, and the workflow then acknowledged.
  expect(h.fakes.clockChecks.some((c) => c.opportunityId === deal.id)).toBe(true);
  await eventually(async () => expect((await deal.state()).projectedSeq).toBe((await deal.state()).seq));
});

test('a shorter cadence entered by a command is kept on time, though the command left the timer alone', async () => {
  // The later milestone with the shortest follow-up cadence (the seed's: business breakthrough,
  // shorter than the first stage's), entered right after the deal was armed for the first stage.
  const stage = PSM_PROCESS.milestones
    .slice(1)
    .filter((m) => m.followUpCadenceDays !== null)
    .reduce<(typeof PSM_PROCESS.milestones)[number] | undefined>(
      (best, m) => (best && (best.followUpCadenceDays ?? 0) <= (m.followUpCadenceDays ?? 0) ? best : m),
      undefined,
    );
  if (!stage?.followUpCadenceDays) throw new Error('no milestone after the first has a follow-up cadence');

  const deal = await h.startDeal();
  for (const m of PSM_PROCESS.milestones) {
    await completeThroughGate(deal, m.key);
    if (m.key === stage.key) break;
  }
  const enteredAt = Date.parse((await deal.state()).stageEnteredAt);
  const due = enteredAt + daysToMs(stage.followUpCadenceDays);
  expect(Date.parse((await deal.state()).nextClockCheckAt ?? '')).toBeLessThanOrEqual(due);

  await h.advance(due - (await h.env.currentTimeMs()) - DAY_MS / 2);
  await new Promise((r) => setTimeout(r, 300));
  expect(h.fakes.notificationsFor(deal.id).filter((m) => m.template === 'follow_up_reminder')).toEqual([]);

  await h.advance(DAY_MS);
  const [reminder] = await eventually(() => {
    const mails = h.fakes.notificationsFor(deal.id).filter((m) => m.template === 'follow_up_reminder');
    expect(mails).toHaveLength(1);
    return mails;
  });
  expect(reminder?.deal.milestone).toBe(stage.key);
  const sent = h.fakes.projectedEventsFor(deal.id).find((e) => e.type === 'escalation_sent');
  expect(Date.parse(sent?.occurredAt ?? '') - due).toBeLessThan(DAY_MS / 2 + 60_000);
  expect(Date.parse(sent?.occurredAt ?? '')).toBeGreaterThanOrEqual(due);
});

test('a reorganisation reaches running deals at their next clock check, and escalations follow it', async () => {
  const deal = await h.startDeal();
  const sla = PSM_PROCESS.milestones[0]?.stallSlaDays;
  if (!sla) throw new Error('the first milestone has a stall SLA');
  h.fakes.moveInDirectory(USERS.rep, [USERS.otherManager, USERS.director, USERS.vp]);
  try {
    await h.advance(`${sla}d`);
    const escalation = await eventually(() => {
      const mail = h.fakes.notificationsFor(deal.id).find((m) => m.template === 'stall_escalation');
      expect(mail).toBeDefined();
      return mail;
    });
    expect(escalation?.recipientUserId).toBe(USERS.otherManager);
    const state = await deal.state();
    expect(state.reportingLine).toMatchObject({ managerId: USERS.otherManager });
    expect(state.events.find((e) => e.type === 'reporting_line_changed')?.payload).toEqual({
      ownerId: USERS.rep,
      from: [USERS.manager, USERS.director, USERS.vp],
      to: [USERS.otherManager, USERS.director, USERS.vp],
      trigger: 'clock_check',
    });
    // The new manager may act on the deal now; the old one may not.
    await deal.command('logActivity', ACTORS.otherManager, {
      kind: 'meeting',
      occurredAt: new Date(await h.env.currentTimeMs()).toISOString(),
      note: 'Handover meeting with the new manager.',
    });
    const refused = await refusalOf(
      deal.command('logActivity', ACTORS.manager, {
        kind: 'call',
        occurredAt: new Date(await h.env.currentTimeMs()).toISOString(),
        note: 'The former manager calls.',
      }),
    );
    expect(refused.code).toBe('FORBIDDEN');
  } finally {
    h.fakes.moveInDirectory(USERS.rep, [USERS.manager, USERS.director, USERS.vp]);
  }
});
