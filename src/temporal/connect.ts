import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
  type WorkflowClientInterceptor,
} from '@temporalio/client';
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
    const connection = await openConnection({
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

/**
 * A client Connection whose close() cannot crash the process. The SDK's retry interceptor waits out
 * its backoff in a bare setTimeout and then opens the next attempt on the channel; when close() ran
 * in between, that throws "Channel has been shut down" from the timer, an uncaught exception
 * (@temporalio/client 1.24, grpc-retry.ts). It is the same interceptor here with two additions:
 * once closing, no status is retried (the call fails to its caller instead), and close() waits for
 * the backoffs already scheduled (at most the SDK's 5 s cap, with jitter) to fire before it shuts
 * the channel, so each of them meets a live channel and ends there.
 */
export function lazyConnection(
  options: ConnectionOptions,
  /** Told each time a failed call is to be retried, and after how long. */
  hooks: { onBackoff?: (delayMs: number) => void } = {},
): Connection {
  const base = defaultGrpcRetryOptions();
  let closing = false;
  let lastRetryAt = 0;
  const retries = makeGrpcRetryInterceptor({
    retryableDecider: (attempt, status) => !closing && base.retryableDecider(attempt, status),
    delayFunction: (attempt, status) => {
      const delayMs = base.delayFunction(attempt, status);
      lastRetryAt = Math.max(lastRetryAt, Date.now() + delayMs);
      hooks.onBackoff?.(delayMs);
      return delayMs;
    },
  });
  const connection = Connection.lazy({
    ...options,
    interceptors: [retries, ...(options.interceptors ?? [])],
  });
  const close = connection.close.bind(connection);
  connection.close = async () => {
    closing = true;
    const waitMs = lastRetryAt - Date.now();
    // Timers fire in order of expiry: the last scheduled attempt starts before this one ends.
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs + 50));
    await close();
  };
  return connection;
}

/** lazyConnection, connected (Connection.connect's check that the server answers). */
export async function openConnection(options: ConnectionOptions): Promise<Connection> {
  const connection = lazyConnection(options);
  try {
    await connection.ensureConnected();
  } catch (err) {
    await connection.close();
    throw err;
  }
  return connection;
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
