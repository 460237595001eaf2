// A threshold change (an SLA, a cadence, a delay) is safe for running deals: every recorded history
// replays with every threshold in psm-process.ts doubled, and cut to a fifth. (Split from
// replay.test.ts so each file stays well under 40 s; retuned-definition.test.ts replays them on
// issue 17's retuned definition too.)

import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { REPO_ROOT, quietTemporalLogs } from './helpers';
import { committedHistories } from './history-coverage';
import { replayOrExplain } from './replay-check';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const files = committedHistories();

beforeAll(() => quietTemporalLogs());

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
  for (const file of files) await expect(replayOrExplain(retuned, file)).resolves.toBeUndefined();
});
