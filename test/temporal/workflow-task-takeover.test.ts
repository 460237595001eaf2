// A worker that froze with a deal's workflow task in hand, and then died, must not hold the next
// command for Temporal's default 10 s workflow task timeout (= UPDATE_TIMEOUT_MS, so the API
// answered 503 although another worker was healthy). Deals start with
// TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS (4 s): after it the server gives the task to the healthy
// worker. Run with TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS=10000 to see the old behaviour fail.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../src/config';
import { useTakeoverServer, withCounterCachedByDoomedWorker } from './takeover';

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
  const server = useTakeoverServer();

  it('is taken over by a healthy worker well inside UPDATE_TIMEOUT_MS', async () => {
    // The product's default, unless the run names another (to watch the old 10 s fail).
    const config = loadConfig({
      TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS: process.env.TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS,
    });
    const taskQueue = `task-timeout-${randomUUID()}`;
    await withCounterCachedByDoomedWorker(
      server.client(),
      taskQueue,
      // As src/opportunities/workflow-client.ts starts a deal.
      config.temporal.workflowTaskTimeoutMs,
      async (doomed, handle) => {
        const healthy = await server.healthyWorker(taskQueue, config);
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
      },
    );
  });

  it('keeps its workflow task timeout across continue-as-new', async () => {
    const config = loadConfig({});
    const taskQueue = `task-timeout-can-${randomUUID()}`;
    const client = server.client();
    const worker = await server.healthyWorker(taskQueue, config);
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
