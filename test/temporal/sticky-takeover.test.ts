// A deal cached by a worker that then dies (SIGKILL, no goodbye to the server) must answer the
// next command from a healthy worker well inside the API's UPDATE_TIMEOUT_MS. Temporal first
// offers a cached workflow's task to the worker that cached it (its sticky queue) and only after
// the sticky schedule-to-start timeout to any worker; Temporal's default of 10 s equalled the
// API's wait, so such commands answered 503 while the server still counted the dead worker as a
// poller. (Temporal Server 1.32, the dev server here, notices a killed worker's closed connection
// at once, so this also passes with the default there: it guards the take-over, and the config.)
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Activities } from '../../src/contracts/activities';
import { loadConfig } from '../../src/config';
import { createWorker } from '../../src/temporal/worker';
import { spawnWorker } from '../activities/support/spawn-worker';
import { temporalAddress } from '../support/temporal';

const WORKFLOWS = require.resolve('./workflows/counter');

describe('worker take-over after a worker dies', () => {
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

  it('a command to a deal the dead worker had cached succeeds in well under half of UPDATE_TIMEOUT_MS', async () => {
    const config = loadConfig({});
    const taskQueue = `sticky-${randomUUID()}`;
    const client = new Client({ connection });
    const doomed = await spawnWorker({
      TEMPORAL_ADDRESS: temporalAddress(),
      TASK_QUEUE: taskQueue,
      WORKFLOWS_PATH: WORKFLOWS,
    });
    try {
      const handle = await client.workflow.start('counterWorkflow', {
        taskQueue,
        workflowId: `counter-${randomUUID()}`,
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
        await doomed.kill();
        const started = Date.now();
        expect(await handle.executeUpdate<number, []>('bump')).toBe(2);
        const tookMs = Date.now() - started;
        console.log(`command after the caching worker died answered in ${tookMs} ms`);
        expect(tookMs).toBeLessThan(config.temporal.updateTimeoutMs / 2);
        await handle.terminate();
      });
    } finally {
      await doomed.kill();
    }
  });
});
