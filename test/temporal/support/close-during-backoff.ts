// Child process of connection-close.test.ts: a call to a Temporal address that refuses connections
// is in the SDK's retry backoff when the connection is closed. `sdk` uses the SDK's own retry
// interceptor (observed, not changed); `ours` uses lazyConnection. Prints one JSON line with what
// the call did; an uncaught exception from the retry timer ends the process with it on stderr.
import net from 'node:net';
import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { lazyConnection } from '../../../src/temporal/connect';

async function deadAddress(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

async function main(): Promise<void> {
  const variant = process.argv[2];
  const address = await deadAddress();
  let backoff!: () => void;
  const inBackoff = new Promise<void>((resolve) => (backoff = resolve));
  let connection: Connection;
  if (variant === 'sdk') {
    const base = defaultGrpcRetryOptions();
    const retries = makeGrpcRetryInterceptor({
      retryableDecider: base.retryableDecider,
      delayFunction: (attempt, status) => {
        backoff();
        return base.delayFunction(attempt, status);
      },
    });
    connection = Connection.lazy({ address, interceptors: [retries] });
  } else {
    connection = lazyConnection({ address }, { onBackoff: () => backoff() });
  }
  const call = connection.workflowService.getSystemInfo({}).then(
    () => ({ outcome: 'resolved' }),
    (err: Error) => ({ outcome: 'rejected', error: err.message.split('\n')[0] }),
  );
  await inBackoff;
  const startedClose = Date.now();
  await connection.close();
  const closeMs = Date.now() - startedClose;
  const result = await call;
  // Longer than any backoff: a retry timer still pending would fire (and throw) before this.
  await new Promise((resolve) => setTimeout(resolve, 7_000));
  process.stdout.write(`${JSON.stringify({ ...result, closeMs })}\n`);
}

void main();
