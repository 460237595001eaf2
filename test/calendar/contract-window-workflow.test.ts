// The contract window on a working-day calendar, through the real workflow with time skipping:
// the deal's timer is due on the calendar's 30th working day after business breakthrough (days
// off skipped, make-up Saturdays counted), and the escalation fires then, not on the Mon–Fri date.
// The time-skipping server starts at the real now, so the schedule is a made-up golden week a few
// days ahead (fixtures/golden-week.ts), given to both the workflow bundle and the clock check.

import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { addWorkingDays, isWorkingDay, workingDaysDue } from '../../workflows/working-days';
import { DAY_MS, REPO_ROOT, USERS, eventually, useHarness } from '../workflows/helpers';
import { completeUpTo } from '../workflows/path-scenarios';
import { goldenWeekAhead } from './fixtures/golden-week';

// The clock check (Node side) reads the same made-up schedule as the bundle.
jest.mock('../../workflows/china-work-calendar', () => {
  const { goldenWeekAhead: ahead } = jest.requireActual('./fixtures/golden-week');
  return { CHINA_PUBLISHED_YEARS: ahead(Date.now()).years };
});

const schedule = goldenWeekAhead(Date.now());
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const h = useHarness({
  workflowBundle: () =>
    bundleWorkflowCode({
      workflowsPath: path.join(REPO_ROOT, 'workflows'),
      logger: silent,
      webpackConfigHook: (config) => {
        config.module?.rules?.push({
          test: /china-work-calendar\.ts$/,
          enforce: 'pre',
          use: [
            {
              loader: path.join(__dirname, 'fixtures/changed-calendar-loader.js'),
              options: { years: schedule.years },
            },
          ],
        });
        return config;
      },
    }),
});

const calendar = PSM_PROCESS.workCalendar;
const chinaDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const noonOf = (day: string) => Date.parse(`${day}T12:00:00+08:00`);

test('the made-up schedule is the one in force', () => {
  expect(isWorkingDay(noonOf(schedule.off[0]), calendar)).toBe(false);
  expect(isWorkingDay(noonOf(schedule.makeUpWorkdays[0]), calendar)).toBe(true);
  expect(isWorkingDay(noonOf(schedule.makeUpWorkdays[1]), calendar)).toBe(true);
});

test('the contract window skips the golden week, counts the make-up Saturdays, and escalates on that day', async () => {
  const deal = await h.startDeal();
  await completeUpTo(deal, PSM_PROCESS.contractWindow.from); // passing every gate on the way
  const reachedAt = Date.parse((await deal.state()).stageEnteredAt);

  const { workingDays } = PSM_PROCESS.contractWindow;
  const due = workingDaysDue(reachedAt, workingDays, calendar);
  const monToFri = addWorkingDays(reachedAt, workingDays, { utcOffsetMinutes: 480, holidays: [] });
  // Five weekdays off, two Saturdays worked: three working days later than Monday to Friday.
  expect(due.provisional).toBe(false);
  expect(isWorkingDay(due.dueAt, calendar)).toBe(true);
  expect(addWorkingDays(monToFri, 3, { utcOffsetMinutes: 480, holidays: [] })).toBe(due.dueAt);
  const window = (await deal.state()).timers.find((t) => t.kind === 'contract_window');
  expect(window?.dueAt).toBe(new Date(due.dueAt).toISOString());

  // Past the Mon–Fri date, nothing: the deal's calendar says the window is still open.
  await h.advance(monToFri + DAY_MS - reachedAt);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(
    h.fakes.notificationsFor(deal.id).filter((n) => n.template === 'contract_window_escalation'),
  ).toEqual([]);
  const now = await h.env.currentTimeMs();
  await h.advance(due.dueAt - now + 60_000);
  const escalation = await eventually(() => {
    const sent = h.fakes.notificationsFor(deal.id).filter((n) => n.template === 'contract_window_escalation');
    expect(sent).toHaveLength(1);
    return sent[0];
  });
  expect(escalation).toMatchObject({ recipientUserId: USERS.manager, level: 1 });
  expect(chinaDay(due.dueAt) > schedule.off[1]).toBe(true);
});
