// A deal started before patched('psm-authorization-rules') is picked up by a worker with the
// rules (a deployment): it replays its past on the old rules, takes the new ones at its first
// command after the deployment, and the resulting history replays without a determinism error.

import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { opportunity } from '../../workflows';
import {
  ACTORS,
  FakeActivities,
  USERS,
  WORKFLOWS_PATH,
  DealDriver,
  createTimeSkippingEnv,
  quietTemporalLogs,
  refusalOf,
  waitUntil,
  workflowBundle,
} from './helpers';
import { requestGate } from './scenarios';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function bundleBeforeAuthorization(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: silent,
    webpackConfigHook: (config) => {
      config.module?.rules?.push({
        test: /workflows[\\/]opportunity\.ts$/,
        enforce: 'pre',
        use: [{ loader: path.join(__dirname, 'fixtures/before-authorization-loader.js') }],
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

/** No workflow cache: no sticky queue, so the next worker gets the run's tasks at once. */
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

test('a deal from before the rules takes them at its first command after the deployment', async () => {
  const fakes = new FakeActivities();
  const taskQueue = `psm-upgrade-${randomUUID()}`;
  const id = `opp-${randomUUID()}`;

  const stopOld = await runWorker(taskQueue, await bundleBeforeAuthorization(), fakes);
  const handle = await env.client.workflow.start<typeof opportunity>('opportunity', {
    workflowId: id,
    taskQueue,
    args: [
      {
        id,
        name: 'Jinhua smart campus',
        account: 'Jinhua University',
        amount: 480_000,
        currency: 'CNY',
        ownerId: USERS.rep,
        createdBy: ACTORS.rep,
      },
    ],
  });
  const deal = new DealDriver(handle, id, fakes);
  await waitUntil(async () => (await deal.state()).reportingLine !== null);
  // The old rules: the manager's own request lands on the manager.
  const gate = await requestGate(deal, ACTORS.manager);
  expect((await deal.state()).approvals[0]).toMatchObject({ id: gate, approverId: USERS.manager });
  await stopOld();

  const stopNew = await runWorker(taskQueue, await workflowBundle(), fakes);
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
  const history = await handle.fetchHistory();
  await expect(
    Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, id),
  ).resolves.toBeUndefined();
});
