// Tracing adds workflow interceptors to the worker when OTEL_EXPORTER_OTLP_ENDPOINT is set: every
// recorded history must replay with them exactly as without (they only add spans and headers).
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { startTracing } from '../../src/observability/tracing';
import { WORKFLOWS_PATH } from '../../src/temporal/worker';
import { REPO_ROOT, quietTemporalLogs } from '../workflows/helpers';
import { readHistoryFile } from '../workflows/history-files';

const HISTORIES_DIR = path.join(REPO_ROOT, 'test/histories');
const files = fs
  .readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

// Nothing listens there: spans are dropped, which replay does not notice.
const tracing = startTracing({ endpoint: 'http://127.0.0.1:9', serviceName: 'psm-replay-test' })!;
beforeAll(() => quietTemporalLogs());
afterAll(() => tracing.shutdown());

test.each(files)('%s replays with the tracing interceptors', async (file) => {
  const history = readHistoryFile(path.join(HISTORIES_DIR, file));
  await expect(
    Worker.runReplayHistory(
      { workflowsPath: WORKFLOWS_PATH, ...tracing.worker },
      history,
      path.basename(file, '.json'),
    ),
  ).resolves.toBeUndefined();
});
