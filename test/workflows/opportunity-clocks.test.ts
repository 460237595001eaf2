// The wake-up timer's arithmetic, as pure functions: which clocks are due, how far ahead the
// timer may sleep, and when a command must re-arm it.

import { createInitialState } from '../../workflows/opportunity-state';
import {
  clockArmingSignature,
  clockCheckHorizonMs,
  clockFacts,
  dueClocks,
  nextClockCheckAt,
  planTimers,
} from '../../workflows/opportunity-timers';
import { PSM_PROCESS, daysToMs } from '../../workflows/psm-process';
import type { OpportunityState } from '../../workflows/opportunity-types';
// A failure says it checks new deals; the replay tests decide for running deals.
import { newDealTest as test } from './new-deal-test';

const T0 = Date.parse('2026-03-02T01:00:00.000Z');

function deal(): OpportunityState {
  return createInitialState(
    {
      id: 'opp-1',
      name: 'Deal',
      account: 'Account',
      amount: 100_000,
      currency: 'CNY',
      ownerId: 'rep',
      createdBy: { userId: 'rep', role: 'rep' },
    },
    T0,
  );
}

test('the horizon is the shortest delay a command can start a clock with', () => {
  const delays: number[] = [];
  for (const m of PSM_PROCESS.milestones) {
    if (m.followUpCadenceDays !== null) delays.push(m.followUpCadenceDays);
    if (m.stallSlaDays !== null) delays.push(m.stallSlaDays);
  }
  expect(clockCheckHorizonMs()).toBe(daysToMs(Math.min(...delays, PSM_PROCESS.contractWindow.workingDays)));
  expect(clockCheckHorizonMs()).toBeGreaterThan(0);
});

test('nothing is due before its time; at its time exactly the due clock is', () => {
  const state = deal();
  const [followUp] = planTimers(state);
  expect(followUp?.kind).toBe('follow_up');
  expect(dueClocks(clockFacts(state), (followUp?.dueAt ?? 0) - 1)).toEqual([]);
  expect(dueClocks(clockFacts(state), followUp?.dueAt ?? 0)).toEqual([followUp?.identity]);
});

test('the wake-up is the earliest due clock, but never beyond the horizon', () => {
  const state = deal();
  const earliest = Math.min(...planTimers(state).map((t) => t.dueAt));
  expect(nextClockCheckAt(state, T0)).toBe(Math.min(earliest, T0 + clockCheckHorizonMs()));
  // Long overdue (the worker was down): wake at once.
  expect(nextClockCheckAt(state, earliest + daysToMs(30))).toBe(earliest);
});

test('a closed or held deal has no wake-up', () => {
  for (const status of ['on_hold', 'won', 'lost'] as const) {
    expect(nextClockCheckAt({ ...deal(), status }, T0)).toBeNull();
  }
});

test('only opening or closing the deal and new approvals re-arm the wake-up', () => {
  const state = deal();
  const before = clockArmingSignature(state);
  state.reachedIndex = 3;
  state.stageVisit += 1;
  state.followUp = { anchor: new Date(T0 + 1000).toISOString(), sent: 0 };
  state.stall = { anchor: new Date(T0 + 1000).toISOString(), level: 0 };
  expect(clockArmingSignature(state)).toBe(before);
  expect(clockArmingSignature({ ...state, status: 'on_hold' })).not.toBe(before);
  const approval = {
    id: 'a1',
    kind: 'discount' as const,
    milestone: null,
    amount: 10,
    reason: null,
    requestedById: 'rep',
    approverId: 'mgr',
    requestedAt: new Date(T0).toISOString(),
    status: 'pending' as const,
    decidedById: null,
    comment: null,
    decidedAt: null,
    chaseLevel: 0 as const,
    chaseAnchor: new Date(T0).toISOString(),
  };
  expect(clockArmingSignature({ ...state, approvals: [approval] })).not.toBe(before);
});

test('the clock check is given pending approvals only, without their free text', () => {
  const state = deal();
  state.approvals.push(
    {
      id: 'a1',
      kind: 'discount',
      milestone: null,
      amount: 10,
      reason: 'a long reason',
      requestedById: 'rep',
      approverId: 'mgr',
      requestedAt: new Date(T0).toISOString(),
      status: 'pending',
      decidedById: null,
      comment: null,
      decidedAt: null,
      chaseLevel: 0,
      chaseAnchor: new Date(T0).toISOString(),
    },
    {
      id: 'a0',
      kind: 'discount',
      milestone: null,
      amount: 5,
      reason: 'old',
      requestedById: 'rep',
      approverId: 'mgr',
      requestedAt: new Date(T0).toISOString(),
      status: 'approved',
      decidedById: 'mgr',
      comment: null,
      decidedAt: new Date(T0).toISOString(),
      chaseLevel: 0,
      chaseAnchor: new Date(T0).toISOString(),
    },
  );
  expect(clockFacts(state).approvals).toEqual([
    { id: 'a1', status: 'pending', chaseLevel: 0, chaseAnchor: new Date(T0).toISOString() },
  ]);
});
