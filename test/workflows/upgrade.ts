// Shared set-up of the deployment ("upgrade") tests: a deal started by a worker running the
// workflows as they were before a patch, then picked up by a worker running today's code, and its
// mixed history replayed.

import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { opportunity } from '../../workflows';
import type { OpportunityStartInput } from '../../workflows/opportunity-types';
import {
  ACTORS,
  DealDriver,
  FakeActivities,
  USERS,
  WORKFLOWS_PATH,
  createTimeSkippingEnv,
  quietTemporalLogs,
  waitUntil,
  workflowBundle,
} from './helpers';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * The workflows bundled as they were before a patch: every module whose path matches `files` goes
 * through the loader in test/workflows/fixtures/ that strips the patch out.
 */
export function bundleBeforePatch(files: RegExp, loader: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: silent,
    webpackConfigHook: (config) => {
      config.module?.rules?.push({
        test: files,
        enforce: 'pre',
        use: [{ loader: path.join(__dirname, 'fixtures', loader) }],
      });
      return config;
    },
  });
}

export interface Deployment {
  env(): TestWorkflowEnvironment;
  /** Runs a worker of `bundle` until the returned stop is called. */
  runWorker(bundle: WorkflowBundleWithSourceMap): Promise<() => Promise<void>>;
  /** Starts a deal (owned by the rep) and waits until it has its reporting line. */
  startDeal(fields: Pick<OpportunityStartInput, 'name' | 'account'>): Promise<DealDriver>;
  /** Expects the deal's whole history to replay on today's code. */
  expectReplays(deal: DealDriver): Promise<void>;
}

/**
 * One time-skipping server for the test file (created before its tests, torn down after them),
 * and one task queue and set of fake activities that the file's workers share.
 */
export function useDeployment(queuePrefix: string): Deployment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    quietTemporalLogs();
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  const current = (): TestWorkflowEnvironment => {
    if (env === undefined) throw new Error('useDeployment: the server is used before beforeAll ran');
    return env;
  };
  const fakes = new FakeActivities();
  const taskQueue = `${queuePrefix}-${randomUUID()}`;
  return {
    env: current,
    /** No workflow cache: no sticky queue, so the next worker gets the run's tasks at once. */
    async runWorker(bundle) {
      const worker = await Worker.create({
        connection: current().nativeConnection,
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
    },
    async startDeal(fields) {
      const id = `opp-${randomUUID()}`;
      const handle = await current().client.workflow.start<typeof opportunity>('opportunity', {
        workflowId: id,
        taskQueue,
        args: [
          { id, ...fields, amount: 480_000, currency: 'CNY', ownerId: USERS.rep, createdBy: ACTORS.rep },
        ],
      });
      const deal = new DealDriver(handle, id, fakes);
      await waitUntil(async () => (await deal.state()).reportingLine !== null);
      return deal;
    },
    async expectReplays(deal) {
      const history = await deal.handle.fetchHistory();
      await expect(
        Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, deal.id),
      ).resolves.toBeUndefined();
    },
  };
}
