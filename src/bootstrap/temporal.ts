import fs from 'node:fs';
import path from 'node:path';
import type { Client, WorkflowClientInterceptor } from '@temporalio/client';
import type { Config } from '../config';
import { connectClient } from '../temporal/connect';
import { startDevServer } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { assertPortFree } from './ports';

export interface RunningTemporal {
  address: string;
  client: Client;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function startTemporal(
  config: Config,
  opts: { clientInterceptors?: WorkflowClientInterceptor[] } = {},
): Promise<RunningTemporal> {
  let address = config.temporal.address;
  let stopServer: (() => Promise<void>) | undefined;
  if (!address) {
    await assertPortFree(config.temporal.devPort, '127.0.0.1', 'TEMPORAL_DEV_PORT');
    await assertPortFree(config.temporal.uiPort, '127.0.0.1', 'TEMPORAL_UI_PORT');
    const dir = path.join(config.dataDir, 'temporal');
    fs.mkdirSync(dir, { recursive: true });
    const server = await startDevServer({
      cliPath: config.temporal.cliPath,
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      dbFile: path.join(dir, 'temporal.db'),
      namespace: config.temporal.namespace,
      logFile: path.join(dir, 'server.log'),
    });
    address = server.address;
    stopServer = server.stop;
  }
  try {
    const client = await connectClient(
      address,
      config.temporal.namespace,
      config.temporal.security,
      opts.clientInterceptors,
    );
    // Deals are started with their search attributes and keep them current: refuse to start without them.
    await ensureSearchAttributes(client.connection, config.temporal.namespace);
    return {
      address,
      client,
      embedded: Boolean(stopServer),
      async stop() {
        await client.connection.close();
        await stopServer?.();
      },
    };
  } catch (err) {
    await stopServer?.();
    throw err;
  }
}
