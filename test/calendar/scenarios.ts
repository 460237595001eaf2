// Deals whose clocks count China's working days, scripted for the recorder and the calendar tests.
// No jest here, so record-histories.ts can run them as a plain script.

import { PSM_PROCESS } from '../../workflows/psm-process';
import { waitUntil, type DealDriver, type Harness } from '../workflows/helpers';
import { completeUpTo } from '../workflows/path-scenarios';

/**
 * A deal that reaches business breakthrough and is not signed within the contract window: the
 * window's due date comes from the work calendar, and its escalation fires on it.
 */
export async function contractWindowEscalationScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({
    name: 'Wuhan grid metering',
    account: 'State Grid Hubei',
    amount: 600_000,
  });
  // Up to where the window opens, passing every gate the definition puts on the way.
  await completeUpTo(deal, PSM_PROCESS.contractWindow.from);
  const window = (await deal.state()).timers.find((t) => t.kind === 'contract_window');
  if (!window) throw new Error('contractWindowEscalationScenario: no contract window armed');
  const now = await h.env.currentTimeMs();
  await h.advance(Date.parse(window.dueAt) - now + 60 * 60 * 1000);
  await waitUntil(
    async () =>
      h.fakes.notificationsFor(deal.id).some((n) => n.template === 'contract_window_escalation') &&
      (await deal.state()).timers.every((t) => t.kind !== 'contract_window'),
  );
  return deal;
}
