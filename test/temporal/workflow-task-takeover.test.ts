// A worker that froze with a deal's workflow task in hand, and then died, must not hold the next
// command for Temporal's default 10 s workflow task timeout (= UPDATE_TIMEOUT_MS, so the API
// answered 503 although another worker was healthy). Deals start with
// TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS (4 s): after it the server gives the task to the healthy
// worker. Run with TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS=10000 to see the old behaviour fail.
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { Activities } from '../../src/contracts/activities';
import { loadConfig } from '../../src/config';
import { createWorker } from '../../src/temporal/worker';
import { spawnWorker } from '../activities/support/spawn-worker';
import { temporalAddress } from '../support/temporal';

const WORKFLOWS = require.resolve('./workflows/counter');
const STARTED = temporal.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED;

/** Until the server says the workflow task was handed to a worker (true), or `ms` passed. */
async function taskHandedOut(handle: WorkflowHandle, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const { raw } = await handle.describe();
    if (raw.pendingWorkflowTask?.state === STARTED) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function seconds(duration: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(duration?.seconds ?? 0) + (duration?.nanos ?? 0) / 1e9;
}

describe('a workflow task stuck on a dead worker', () => {
  let connection: Connection;
  let nativeConnection: NativeConnection;

  beforeAll(async () => {
    connection = await Connection.connect({ address: temporalAddress() });
    nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  });
  afterAll(async () => {
    await connection.close();
    await nativeConnection.close();
  });

  it('is taken over by a healthy worker well inside UPDATE_TIMEOUT_MS', async () => {
    // The product's default, unless the run names another (to watch the old 10 s fail).
    const config = loadConfig({
      TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS: process.env.TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS,
    });
    const taskQueue = `task-timeout-${randomUUID()}`;
    const client = new Client({ connection });
    const doomed = await spawnWorker({
      TEMPORAL_ADDRESS: temporalAddress(),
      TASK_QUEUE: taskQueue,
      WORKFLOWS_PATH: WORKFLOWS,
    });
    try {
      // As src/opportunities/workflow-client.ts starts a deal.
      const handle = await client.workflow.start('counterWorkflow', {
        taskQueue,
        workflowId: `counter-${randomUUID()}`,
        workflowTaskTimeout: config.temporal.workflowTaskTimeoutMs,
      });
      // Only the doomed worker polls yet: it runs the workflow and keeps it cached.
      expect(await handle.executeUpdate<number, []>('bump')).toBe(1);
      const healthy = await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        stickyTimeoutMs: config.temporal.stickyTimeoutMs,
        workflowsPath: WORKFLOWS,
        activities: {} as Activities,
      });
      await healthy.runUntil(async () => {
        // Frozen with its connection open: the server hands it the next task.
        doomed.process.kill('SIGSTOP');
        const started = Date.now();
        const answer = handle.executeUpdate<number, []>('bump');
        const handedOut = await taskHandedOut(handle, 3_000);
        const handedAfterMs = Date.now() - started;
        // ... and then it dies with the task in hand.
        await doomed.kill();
        expect(await answer).toBe(2);
        const tookMs = Date.now() - started;
        console.log(
          `workflow task timeout ${config.temporal.workflowTaskTimeoutMs} ms: task handed to the frozen ` +
            `worker: ${handedOut} (after ${handedAfterMs} ms); the command answered in ${tookMs} ms ` +
            `(UPDATE_TIMEOUT_MS ${config.temporal.updateTimeoutMs})`,
        );
        expect(handedOut).toBe(true);
        expect(tookMs).toBeLessThan(8_000);
        expect(tookMs).toBeLessThan(config.temporal.updateTimeoutMs);
        await handle.terminate();
      });
    } finally {
      await doomed.kill();
    }
  });

  it('keeps its workflow task timeout across continue-as-new', async () => {
    const config = loadConfig({});
    const taskQueue = `task-timeout-can-${randomUUID()}`;
    const client = new Client({ connection });
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      stickyTimeoutMs: config.temporal.stickyTimeoutMs,
      workflowsPath: WORKFLOWS,
      activities: {} as Activities,
    });
    await worker.runUntil(async () => {
      const first = await client.workflow.start('continuingCounterWorkflow', {
        taskQueue,
        workflowId: `continuing-${randomUUID()}`,
        workflowTaskTimeout: config.temporal.workflowTaskTimeoutMs,
        args: [0],
      });
      await first.signal('continue');
      const latest = client.workflow.getHandle(first.workflowId);
      for (let i = 0; i < 100; i += 1) {
        const { runId } = await latest.describe();
        if (runId !== first.firstExecutionRunId) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const { runId, raw } = await latest.describe();
      expect(runId).not.toBe(first.firstExecutionRunId);
      // The opportunity workflow's continueAsNew names no timeout: the server carries it over.
      expect(seconds(raw.executionConfig?.defaultWorkflowTaskTimeout)).toBe(
        config.temporal.workflowTaskTimeoutMs / 1000,
      );
      await latest.terminate();
    });
  });
});
