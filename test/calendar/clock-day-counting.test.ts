// The deal's clocks on China's calendar (issue 14): the contract window in the plan, a process
// owner's choice of working days for the other clocks, and the provisional flag a due date gets
// when it reaches a year whose schedule is not published.

import { PSM_PROCESS } from '../../workflows/psm-process';
import { clockFacts, dueClocks, planTimers, timersView } from '../../workflows/opportunity-timers';
import { newDealState } from '../workflows/helpers';

const china = PSM_PROCESS.workCalendar;
const noon = (day: string) => Date.parse(`${day}T12:00:00+08:00`);
const chinaDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

function atBusinessBreakthrough(day: string) {
  const state = newDealState(noon('2026-08-01'));
  state.reachedIndex = 4;
  state.stageVisit = 6;
  state.contractWindow = { anchor: new Date(noon(day)).toISOString(), escalated: false };
  return state;
}

test('business breakthrough on 2026-09-15: the contract window is due 2026-11-02 in the plan, not provisional', () => {
  const window = planTimers(clockFacts(atBusinessBreakthrough('2026-09-15'))).find(
    (t) => t.kind === 'contract_window',
  );
  expect(chinaDay(window!.dueAt)).toBe('2026-11-02');
  expect(window!.provisional).toBe(false);
});

test('the clock check says the window is due on 11-02 and not on 10-27 (the Mon–Fri date)', () => {
  const facts = clockFacts(atBusinessBreakthrough('2026-09-15'));
  const identity = planTimers(facts).find((t) => t.kind === 'contract_window')!.identity;
  expect(dueClocks(facts, noon('2026-10-27'))).not.toContain(identity);
  expect(dueClocks(facts, noon('2026-11-01'))).not.toContain(identity);
  expect(dueClocks(facts, noon('2026-11-02'))).toContain(identity);
});

test('a window reaching 2027 (not published) is provisional in the deal’s timers', () => {
  const state = atBusinessBreakthrough('2026-12-16');
  const window = timersView(state).find((t) => t.kind === 'contract_window');
  expect(window).toMatchObject({ provisional: true });
  expect(chinaDay(Date.parse(window!.dueAt))).toBe('2027-01-27');
  // Entirely within 2026: no flag at all.
  expect(
    timersView(atBusinessBreakthrough('2026-09-15')).find((t) => t.kind === 'contract_window'),
  ).not.toHaveProperty('provisional');
});

test('working-day follow-ups and SLAs, when a process owner picks them, skip the holidays', () => {
  const state = newDealState(noon('2026-09-28'));
  const working = { followUp: 'working', stall: 'working', approvals: 'working' } as const;
  const followUp = (plan: ReturnType<typeof planTimers>) => plan.find((t) => t.kind === 'follow_up')!.dueAt;
  const stall = (plan: ReturnType<typeof planTimers>) => plan.find((t) => t.kind === 'stall')!.dueAt;
  const asCalendarDays = planTimers(clockFacts(state));
  const asWorkingDays = planTimers(clockFacts(state), { calendar: china, dayCounting: working });
  // Milestone 1: cadence 7 days, stall SLA 14 days, from Monday 2026-09-28.
  expect(chinaDay(followUp(asCalendarDays))).toBe('2026-10-05');
  expect(chinaDay(followUp(asWorkingDays))).toBe('2026-10-13');
  expect(chinaDay(stall(asCalendarDays))).toBe('2026-10-12');
  // 14 working days: 9/29, 9/30, 10/8, 10/9, 10/10 (Sat, make-up), 10/12–16, 10/19–22.
  expect(chinaDay(stall(asWorkingDays))).toBe('2026-10-22');
});
