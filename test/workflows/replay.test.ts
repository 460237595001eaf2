// Running deals must survive code changes: every recorded history in test/histories replays
// against the current workflows/ without a determinism error. Record new ones with
// `npx tsx test/workflows/record-histories.ts` (see that file before re-recording old ones).

import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { REPO_ROOT, quietTemporalLogs, workflowBundle } from './helpers';
import { readHistoryFile } from './history-files';

const HISTORIES_DIR = path.join(REPO_ROOT, 'test/histories');
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const files = fs
  .readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

beforeAll(() => quietTemporalLogs());

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

test.each(files)('%s replays against the current workflows', async (file) => {
  const history = readHistoryFile(path.join(HISTORIES_DIR, file));
  await expect(
    Worker.runReplayHistory(
      { workflowBundle: await workflowBundle() },
      history,
      path.basename(file, '.json'),
    ),
  ).resolves.toBeUndefined();
});

/** The workflows bundled with every threshold in psm-process.ts multiplied by `factor`. */
function bundleWithRetunedThresholds(factor: number) {
  return bundleWorkflowCode({
    workflowsPath: path.join(REPO_ROOT, 'workflows'),
    logger: silent,
    webpackConfigHook: (config) => {
      config.module?.rules?.push({
        test: /psm-process\.ts$/,
        enforce: 'pre',
        use: [{ loader: path.join(__dirname, 'fixtures/retune-thresholds-loader.js'), options: { factor } }],
      });
      return config;
    },
  });
}

test.each([
  ['doubled', 2],
  ['cut to a fifth', 0.2],
])('with every threshold %s, the recorded histories still replay', async (_, factor) => {
  const retuned = await bundleWithRetunedThresholds(factor);
  for (const file of files) {
    const history = readHistoryFile(path.join(HISTORIES_DIR, file));
    await expect(
      Worker.runReplayHistory({ workflowBundle: retuned }, history, file),
    ).resolves.toBeUndefined();
  }
});

test('an incompatible change fails the replay (the guard can fail)', async () => {
  const changed = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'fixtures/changed-workflows.ts'),
    logger: silent,
  });
  const history = readHistoryFile(path.join(HISTORIES_DIR, 'won-deal.json'));
  await expect(Worker.runReplayHistory({ workflowBundle: changed }, history, 'won-deal')).rejects.toThrow(
    /[Nn]ondetermin/,
  );
});
