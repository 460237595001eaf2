// A deal started before patched('psm-search-attributes') (no attributes at start, no upserts) is
// picked up by a worker with them (a deployment): a command that changes no attribute still adds
// nothing, its first change brings all six at once, and the mixed history replays.

import { temporal } from '@temporalio/proto';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { ACTORS, USERS, workflowBundle, type DealDriver } from './helpers';
import { complete, requestGate } from './scenarios';
import { bundleBeforePatch, useDeployment } from './upgrade';

const T = temporal.api.enums.v1.EventType;
const deployment = useDeployment('psm-sa-upgrade');

/** The deal's own upserts (not the SDK's TemporalChangeVersion) and its patch ids, in order. */
async function upsertsAndPatches(deal: DealDriver) {
  const events = (await deal.handle.fetchHistory()).events ?? [];
  const decode = (e: (typeof events)[number]) =>
    Object.fromEntries(
      Object.entries(
        e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {},
      ).map(([k, p]) => [k, JSON.parse(Buffer.from(p.data ?? []).toString())]),
    );
  return {
    upserts: events
      .filter((e) => Number(e.eventType) === T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
      .map(decode)
      .filter((v) => !('TemporalChangeVersion' in v)),
    patches: events
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
      .map((e) =>
        Buffer.from(
          e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data ?? [],
        ).toString(),
      ),
  };
}

test('a deal from before the attributes gets all of them at its first change after the deployment', async () => {
  const stopOld = await deployment.runWorker(
    await bundleBeforePatch(
      /workflows[\\/]opportunity(-search-attributes)?\.ts$/,
      'before-search-attributes-loader.js',
    ),
  );
  const deal = await deployment.startDeal({ name: 'Shaoxing textile ERP', account: '绍兴纺织集团' });
  const gate = await requestGate(deal);
  await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
  await complete(deal, 'project_initiation');
  await complete(deal, 'deep_engagement'); // a stage change, but the old code upserts nothing
  expect((await upsertsAndPatches(deal)).upserts).toEqual([]);
  await stopOld();

  const stopNew = await deployment.runWorker(await workflowBundle());
  try {
    // No attribute changes: nothing, not even the patch marker.
    await deal.command('logActivity', ACTORS.rep, {
      kind: 'call',
      occurredAt: new Date(await deployment.env().currentTimeMs()).toISOString(),
      note: 'Call after the deployment.',
    });
    let seen = await upsertsAndPatches(deal);
    expect(seen.upserts).toEqual([]);
    expect(seen.patches).not.toContain('{"id":"psm-search-attributes","deprecated":false}');

    const next = PSM_PROCESS.milestones[2]!.key;
    await complete(deal, next);
    seen = await upsertsAndPatches(deal);
    expect(seen.upserts).toEqual([
      {
        PsmMilestone: next,
        PsmOwner: USERS.rep,
        PsmStatus: 'open',
        PsmStalled: false,
        PsmAmount: 480_000,
        PsmAccount: '绍兴纺织集团',
      },
    ]);
    expect(seen.patches).toContain('{"id":"psm-search-attributes","deprecated":false}');
  } finally {
    await stopNew();
  }

  await deployment.expectReplays(deal);
});
