// State transitions without a server: the bounded journal, the bounded request memory, and the
// timer plan that the workflow's single durable timer is armed from.

import { COMMANDS } from '../../workflows/commands';
import {
  MAX_EVENTS_IN_STATE,
  MAX_REMEMBERED_REQUESTS,
  appendEvent,
  markProjected,
  rememberResult,
  rememberedResult,
  unprojectedEvents,
  type TransitionContext,
} from '../../workflows/opportunity-state';
import { fireTimer, planTimers, timerPlanSignature } from '../../workflows/opportunity-timers';
import { ACTORS, DAY_MS, USERS, newDealState } from './helpers';

const T0 = Date.parse('2025-03-03T01:00:00Z');

const newDeal = () => newDealState(T0);

function ctx(now: number): TransitionContext {
  let n = 0;
  return { now, newId: () => `id-${(n += 1)}` };
}

describe('the journal in state', () => {
  test('keeps the newest events but never one the read model has not acknowledged', () => {
    const state = newDeal();
    for (let i = 0; i < MAX_EVENTS_IN_STATE + 50; i += 1) appendEvent(state, T0, 'activity_logged', null, {});
    expect(state.events).toHaveLength(MAX_EVENTS_IN_STATE + 51); // nothing projected yet
    markProjected(state, 100);
    expect(state.events).toHaveLength(MAX_EVENTS_IN_STATE);
    expect(state.events[0]?.seq).toBe(52);
    expect(unprojectedEvents(state).map((e) => e.seq)[0]).toBe(101);
    expect(state.seq).toBe(MAX_EVENTS_IN_STATE + 51);
  });

  test('remembers a bounded number of request ids, oldest forgotten first', () => {
    const state = newDeal();
    for (let i = 0; i < MAX_REMEMBERED_REQUESTS + 1; i += 1) {
      rememberResult(state, { requestId: `r${i}`, command: 'hold', seq: i, changed: true });
    }
    expect(rememberedResult(state, 'r0')).toBeUndefined();
    expect(rememberedResult(state, `r${MAX_REMEMBERED_REQUESTS}`)?.seq).toBe(MAX_REMEMBERED_REQUESTS);
  });
});

describe('the timer plan', () => {
  test('a new deal arms the follow-up and the stall clock of its stage', () => {
    const plan = planTimers(newDeal());
    expect(plan.map((t) => [t.kind, (t.dueAt - T0) / DAY_MS])).toEqual([
      ['follow_up', 7],
      ['stall', 14],
    ]);
  });

  test('firing the stall clock climbs the ladder once per level and queues one email per level', () => {
    const state = newDeal();
    const stall = () => planTimers(state).find((t) => t.kind === 'stall');
    fireTimer(state, stall()!, T0 + 14 * DAY_MS);
    expect(state.stall.level).toBe(1);
    expect(stall()?.dueAt).toBe(T0 + 21 * DAY_MS);
    fireTimer(state, stall()!, T0 + 21 * DAY_MS);
    expect(stall()).toBeUndefined();
    expect(state.outbox.map((o) => [o.request.recipientUserId, o.request.level])).toEqual([
      [USERS.manager, 1],
      [USERS.director, 2],
    ]);
  });

  test('the signature ignores what does not move a clock and changes with what does', () => {
    const state = newDeal();
    const before = timerPlanSignature(state);
    COMMANDS.upsertStakeholder.apply(
      state,
      { requestId: 'r1', actor: ACTORS.rep, name: 'A', role: 'user', stance: 'neutral' },
      ctx(T0),
    );
    expect(timerPlanSignature(state)).toBe(before);
    COMMANDS.logActivity.apply(
      state,
      {
        requestId: 'r2',
        actor: ACTORS.rep,
        kind: 'call',
        occurredAt: new Date(T0 + DAY_MS).toISOString(),
        note: 'n',
      },
      ctx(T0 + DAY_MS),
    );
    expect(timerPlanSignature(state)).not.toBe(before);
  });

  test('hold clears the plan; resume re-arms every clock from the resume time', () => {
    const state = newDeal();
    COMMANDS.hold.apply(state, { requestId: 'r1', actor: ACTORS.rep, reason: 'wait' }, ctx(T0 + DAY_MS));
    expect(planTimers(state)).toEqual([]);
    const resumedAt = T0 + 30 * DAY_MS;
    COMMANDS.resume.apply(state, { requestId: 'r2', actor: ACTORS.rep }, ctx(resumedAt));
    expect(planTimers(state).map((t) => (t.dueAt - resumedAt) / DAY_MS)).toEqual([7, 14]);
  });

  test('an activity logged late never moves the follow-up clock backwards', () => {
    const state = newDeal();
    const now = T0 + 5 * DAY_MS;
    COMMANDS.logActivity.apply(
      state,
      {
        requestId: 'r',
        actor: ACTORS.rep,
        kind: 'visit',
        occurredAt: new Date(T0 - DAY_MS).toISOString(),
        note: 'old',
      },
      ctx(now),
    );
    expect(planTimers(state).find((t) => t.kind === 'follow_up')?.dueAt).toBe(T0 + 7 * DAY_MS);
  });
});
