// Starts the real services the integration tests share: a throwaway PostgreSQL cluster and a
// Temporal dev server. Their addresses reach test files through process.env.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPgCluster } from '../../scripts/lib/pg-cluster';
import { freePort } from '../../scripts/lib/pg-cluster';
import { startDevServer } from '../../src/temporal/dev-server';
import { registerTeardown } from './teardown-registry';

export default async function globalSetup(): Promise<void> {
  if (process.env.JEST_SKIP_SERVICES === '1') return;
  const root = path.resolve(__dirname, '../..');
  const [cluster, temporalPort] = await Promise.all([startPgCluster(), freePort()]);
  registerTeardown(async () => cluster.stop());
  process.env.TEST_PG_URL = cluster.url;
  process.env.TEST_PG_BIN_DIR = cluster.binDir;

  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-temporal-'));
  const server = await startDevServer({
    cliPath: path.join(root, '.tools/venv/bin/temporal'),
    port: temporalPort,
    logFile: path.join(logDir, 'temporal.log'),
    extraArgs: ['--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true'],
  });
  registerTeardown(async () => {
    await server.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  });
  process.env.TEST_TEMPORAL_ADDRESS = server.address;
}
