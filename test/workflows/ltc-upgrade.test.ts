// A deal started before patched('psm-ltc-deal-team') is picked up by a worker with the LTC rules
// (a deployment): it keeps behaving as before (no team, plan or handover; the checklist alone
// completes a won deal), its new commands are refused with LTC_NOT_AVAILABLE, and the resulting
// history replays without a determinism error.

import { PSM_PROCESS } from '../../workflows/psm-process';
import { ACTORS, USERS, refusalOf, workflowBundle } from './helpers';
import { complete, requestGate } from './scenarios';
import { bundleBeforePatch, useDeployment } from './upgrade';

const deployment = useDeployment('psm-ltc-upgrade');

test('a deal from before the LTC rules keeps the old behaviour after the deployment', async () => {
  const stopOld = await deployment.runWorker(
    await bundleBeforePatch(/workflows[\\/]opportunity\.ts$/, 'before-ltc-loader.js'),
  );
  const deal = await deployment.startDeal({ name: 'Taizhou grid analytics', account: 'Taizhou Power' });
  const gate = await requestGate(deal);
  await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
  await complete(deal, 'project_initiation');
  expect((await deal.state()).ltc).toBeNull();
  await stopOld();

  const stopNew = await deployment.runWorker(await workflowBundle());
  try {
    const refused = await refusalOf(
      deal.command('assignTeamMember', ACTORS.rep, { userId: USERS.teamRep, role: 'SR' }),
    );
    expect(refused.code).toBe('LTC_NOT_AVAILABLE');
    // Amount at the kickoff threshold: the old run needs no plan.
    await deal.command('updateDeal', ACTORS.rep, { amount: PSM_PROCESS.ltc.kickoff.fromAmount });
    for (const key of [
      'deep_engagement',
      'technical_breakthrough_1',
      'technical_breakthrough_2',
      'business_breakthrough',
      'contract_signed',
    ] as const) {
      await complete(deal, key);
    }
    const won = await deal.state();
    expect(won.status).toBe('won');
    expect(won.ltc).toBeNull();
    expect(won.timers).toEqual([]);
    for (const item of PSM_PROCESS.execution.checklist) {
      await deal.command('setChecklistItem', ACTORS.rep, {
        milestone: 'contract_execution',
        item: item.key,
        done: true,
      });
    }
    const final = await deal.handle.result();
    expect(final.execution.completedAt).not.toBeNull();
    expect(final.events.map((e) => e.type)).not.toContain('closing_summary_recorded');
  } finally {
    await stopNew();
  }
  await deployment.expectReplays(deal);
});
