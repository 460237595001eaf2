// A deal started before patched('psm-authorization-rules') is picked up by a worker with the
// rules (a deployment): it replays its past on the old rules, takes the new ones at its first
// command after the deployment, and the resulting history replays without a determinism error.

import { ACTORS, USERS, refusalOf, workflowBundle } from './helpers';
import { requestGate } from './scenarios';
import { bundleBeforePatch, useDeployment } from './upgrade';

const deployment = useDeployment('psm-upgrade');

test('a deal from before the rules takes them at its first command after the deployment', async () => {
  const stopOld = await deployment.runWorker(
    await bundleBeforePatch(/workflows[\\/]opportunity\.ts$/, 'before-authorization-loader.js'),
  );
  const deal = await deployment.startDeal({ name: 'Jinhua smart campus', account: 'Jinhua University' });
  // The old rules: the manager's own request lands on the manager.
  const gate = await requestGate(deal, ACTORS.manager);
  expect((await deal.state()).approvals[0]).toMatchObject({ id: gate, approverId: USERS.manager });
  await stopOld();

  const stopNew = await deployment.runWorker(await workflowBundle());
  try {
    // First command after the deployment: the rules apply to it (the handler re-checks).
    const own = await refusalOf(
      deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' }),
    );
    expect(own.code).toBe('SELF_APPROVAL');
    const outside = await refusalOf(deal.command('updateDeal', ACTORS.manager, { ownerId: USERS.otherRep }));
    expect(outside.code).toBe('OWNER_OUTSIDE_LINE');
    await deal.command('decideApproval', ACTORS.director, { approvalId: gate, decision: 'approved' });
    expect((await deal.state()).approvals[0]).toMatchObject({
      status: 'approved',
      decidedById: USERS.director,
    });
  } finally {
    await stopNew();
  }

  // The run's whole history (old commands, then the patch taken mid-run) replays on today's code.
  await deployment.expectReplays(deal);
});
