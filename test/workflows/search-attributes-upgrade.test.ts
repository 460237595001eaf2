// A deal started before patched('psm-search-attributes') (no attributes at start, no upserts) is
// picked up by a worker with them (a deployment): a command that changes no attribute still adds
// nothing, its first change brings all six at once, and the mixed history replays.

import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { opportunity } from '../../workflows';
import { PSM_PROCESS } from '../../workflows/psm-process';
import {
  ACTORS,
  FakeActivities,
  USERS,
  WORKFLOWS_PATH,
  DealDriver,
  createTimeSkippingEnv,
  quietTemporalLogs,
  waitUntil,
  workflowBundle,
} from './helpers';
import { complete, requestGate } from './scenarios';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const T = temporal.api.enums.v1.EventType;

function bundleBeforeSearchAttributes(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: silent,
    webpackConfigHook: (config) => {
      config.module?.rules?.push({
        test: /workflows[\\/]opportunity(-search-attributes)?\.ts$/,
        enforce: 'pre',
        use: [{ loader: path.join(__dirname, 'fixtures/before-search-attributes-loader.js') }],
      });
      return config;
    },
  });
}

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  quietTemporalLogs();
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

async function runWorker(taskQueue: string, bundle: WorkflowBundleWithSourceMap, fakes: FakeActivities) {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: fakes.asActivities(),
    maxCachedWorkflows: 0,
  });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
  };
}

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
  const fakes = new FakeActivities();
  const taskQueue = `psm-sa-upgrade-${randomUUID()}`;
  const id = `opp-${randomUUID()}`;

  const stopOld = await runWorker(taskQueue, await bundleBeforeSearchAttributes(), fakes);
  const handle = await env.client.workflow.start<typeof opportunity>('opportunity', {
    workflowId: id,
    taskQueue,
    args: [
      {
        id,
        name: 'Shaoxing textile ERP',
        account: '绍兴纺织集团',
        amount: 480_000,
        currency: 'CNY',
        ownerId: USERS.rep,
        createdBy: ACTORS.rep,
      },
    ],
  });
  const deal = new DealDriver(handle, id, fakes);
  await waitUntil(async () => (await deal.state()).reportingLine !== null);
  const gate = await requestGate(deal);
  await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
  await complete(deal, 'project_initiation');
  await complete(deal, 'deep_engagement'); // a stage change, but the old code upserts nothing
  expect((await upsertsAndPatches(deal)).upserts).toEqual([]);
  await stopOld();

  const stopNew = await runWorker(taskQueue, await workflowBundle(), fakes);
  try {
    // No attribute changes: nothing, not even the patch marker.
    await deal.command('logActivity', ACTORS.rep, {
      kind: 'call',
      occurredAt: new Date(await env.currentTimeMs()).toISOString(),
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

  const history = await handle.fetchHistory();
  await expect(
    Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, id),
  ).resolves.toBeUndefined();
});
