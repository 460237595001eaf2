// A calendar update (a newly published year, a corrected day) must not change what recorded
// histories replay to: the workflow takes which clocks are due from the recorded checkClocks
// answer, never from its own reading of the calendar. Every history in test/histories replays
// with China's schedule removed altogether and with a wildly different one.

import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { REPO_ROOT, quietTemporalLogs } from '../workflows/helpers';
import { readHistoryFile } from '../workflows/history-files';

const HISTORIES_DIR = path.join(REPO_ROOT, 'test/histories');
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const files = fs
  .readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

jest.setTimeout(120_000);
beforeAll(() => quietTemporalLogs());

function bundleWithCalendar(variant: 'none' | 'reshuffled') {
  return bundleWorkflowCode({
    workflowsPath: path.join(REPO_ROOT, 'workflows'),
    logger: silent,
    webpackConfigHook: (config) => {
      config.module?.rules?.push({
        test: /china-work-calendar\.ts$/,
        enforce: 'pre',
        use: [{ loader: path.join(__dirname, 'fixtures/changed-calendar-loader.js'), options: { variant } }],
      });
      return config;
    },
  });
}

test('a recorded contract-window escalation is among the histories', () => {
  expect(files).toContain('china-calendar-contract-window.json');
});

test.each([
  ['without any published year (Mon–Fri everywhere)', 'none'],
  ['with a different schedule (Mondays and Tuesdays off, Saturdays working)', 'reshuffled'],
] as const)('%s, every recorded history still replays', async (_, variant) => {
  const changed = await bundleWithCalendar(variant);
  for (const file of files) {
    const history = readHistoryFile(path.join(HISTORIES_DIR, file));
    await expect(
      Worker.runReplayHistory({ workflowBundle: changed }, history, file),
    ).resolves.toBeUndefined();
  }
});
