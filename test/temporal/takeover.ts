// Shared set-up of the take-over tests: a counter workflow first run (and cached) by a worker in a
// child process that the test then freezes or kills, and a healthy in-process worker built the way
// the product builds its workers.

import { randomUUID } from 'node:crypto';
import { Client, type Connection, type WorkflowHandle } from '@temporalio/client';
import { openConnection } from '../../src/temporal/connect';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Activities } from '../../src/contracts/activities';
import type { Config } from '../../src/config';
import { createWorker } from '../../src/temporal/worker';
import { spawnWorker, type ChildWorker } from '../activities/support/spawn-worker';
import { temporalAddress } from '../support/temporal';

export const COUNTER_WORKFLOWS = require.resolve('./workflows/counter');

export interface TakeoverServer {
  client(): Client;
  /** A healthy worker on `taskQueue` with the product's sticky timeout, not yet running. */
  healthyWorker(taskQueue: string, config: Config): Promise<Worker>;
}

/** Connections to the test Temporal server for the describe block (opened before, closed after). */
export function useTakeoverServer(): TakeoverServer {
  let connection: Connection;
  let nativeConnection: NativeConnection;
  beforeAll(async () => {
    connection = await openConnection({ address: temporalAddress() });
    nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });
  return {
    client: () => new Client({ connection }),
    healthyWorker: (taskQueue, config) =>
      createWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        stickyTimeoutMs: config.temporal.stickyTimeoutMs,
        workflowsPath: COUNTER_WORKFLOWS,
        activities: {} as Activities,
      }),
  };
}

/**
 * Starts a counter on `taskQueue` that only a doomed child-process worker polls yet, so it runs
 * the workflow (bumped once) and keeps it cached; calls `body`, then kills the child whatever
 * happened.
 */
export async function withCounterCachedByDoomedWorker(
  client: Client,
  taskQueue: string,
  workflowTaskTimeoutMs: number | undefined,
  body: (doomed: ChildWorker, handle: WorkflowHandle) => Promise<void>,
): Promise<void> {
  const doomed = await spawnWorker({
    TEMPORAL_ADDRESS: temporalAddress(),
    TASK_QUEUE: taskQueue,
    WORKFLOWS_PATH: COUNTER_WORKFLOWS,
  });
  try {
    const handle = await client.workflow.start('counterWorkflow', {
      taskQueue,
      workflowId: `counter-${randomUUID()}`,
      ...(workflowTaskTimeoutMs === undefined ? {} : { workflowTaskTimeout: workflowTaskTimeoutMs }),
    });
    expect(await handle.executeUpdate<number, []>('bump')).toBe(1);
    await body(doomed, handle);
  } finally {
    await doomed.kill();
  }
}
