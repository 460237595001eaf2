// Running deals must survive code changes: every recorded history in test/histories replays
// against the current workflows/ without a determinism error. Record new ones with
// `npx tsx test/workflows/record-histories.ts` (see that file before re-recording old ones).
// A failure names the history, where its deal stood, and what to do (replay-check.ts). The same
// histories replay with every threshold retuned in replay-retuned.test.ts.

import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { quietTemporalLogs, workflowBundle } from './helpers';
import { committedHistories } from './history-coverage';
import { replayOrExplain } from './replay-check';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const files = committedHistories();

beforeAll(() => quietTemporalLogs());

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

test.each(files.map((f) => path.basename(f)))('%s replays against the current workflows', async (name) => {
  const file = files.find((f) => path.basename(f) === name) ?? name;
  await expect(replayOrExplain(await workflowBundle(), file)).resolves.toBeUndefined();
});

test('an incompatible change fails the replay, saying which history and what to do', async () => {
  const changed = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'fixtures/changed-workflows.ts'),
    logger: silent,
  });
  const file = files.find((f) => path.basename(f) === 'won-deal.json') ?? '';
  const failure = await replayOrExplain(changed, file).then(
    () => null,
    (err: unknown) => err as Error,
  );
  expect(failure?.message).toMatch(
    /^won-deal: this change is not replay-safe: running deals like the one recorded in test\/histories\/won-deal\.json \(last projected at 合同签订 contract_signed, won\) would diverge .* patched\('<new-id>'\)/,
  );
  expect(failure?.message).toMatch(/Replay said: .*[Nn]ondetermin/);
});
