import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export class TemporalUnreachableError extends Error {}

/** Connects or fails with one clear line; an unreachable TEMPORAL_ADDRESS must not hang start-up. */
export async function connectClient(address: string, namespace: string): Promise<Client> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 5_000 });
    await connection.workflowService.describeNamespace({ namespace });
    return new Client({ connection, namespace });
  } catch (err) {
    throw new TemporalUnreachableError(
      `TEMPORAL_ADDRESS: cannot reach Temporal at ${address} (namespace ${namespace}): ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

export async function connectWorker(address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address });
  } catch (err) {
    throw new TemporalUnreachableError(
      `TEMPORAL_ADDRESS: cannot reach Temporal at ${address}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}
