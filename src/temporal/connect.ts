import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalSecurity } from '../config';

export class TemporalUnreachableError extends Error {}

/** Connects or fails with one clear line; an unreachable TEMPORAL_ADDRESS must not hang start-up. */
export async function connectClient(
  address: string,
  namespace: string,
  /** TLS (mTLS) and an API key from config (TEMPORAL_TLS_*, TEMPORAL_API_KEY). */
  security: TemporalSecurity = {},
  /** Tracing's interceptors (src/observability/tracing.ts), when it is on. */
  interceptors: WorkflowClientInterceptor[] = [],
): Promise<Client> {
  try {
    const connection = await Connection.connect({
      address,
      connectTimeout: 5_000,
      ...connectionSecurity(security, namespace),
    });
    await connection.workflowService.describeNamespace({ namespace });
    return new Client({ connection, namespace, interceptors: { workflow: interceptors } });
  } catch (err) {
    throw new TemporalUnreachableError(
      `TEMPORAL_ADDRESS: cannot reach Temporal at ${address} (namespace ${namespace}): ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

export async function connectWorker(
  address: string,
  namespace: string,
  security: TemporalSecurity = {},
): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address, ...connectionSecurity(security, namespace) });
  } catch (err) {
    throw new TemporalUnreachableError(
      `TEMPORAL_ADDRESS: cannot reach Temporal at ${address}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

/** Temporal Cloud's API-key endpoints route by the temporal-namespace header. */
function connectionSecurity(security: TemporalSecurity, namespace: string) {
  return {
    ...(security.tls ? { tls: security.tls } : {}),
    ...(security.apiKey !== undefined
      ? { apiKey: security.apiKey, metadata: { 'temporal-namespace': namespace } }
      : {}),
  };
}
