// Issue 17: a process owner's safe edits must not turn the suite red. This file runs the scenario
// suite's key cases against a retuned copy of the definition (retuned-definition.ts: the stall SLA
// of 技术突破1 30 -> 10 days, an extra criterion at 深度接触, an approval gate at 商务突破), on
// both sides: the test process (jest.mock below) and the workflow bundle (a loader). The lifecycle
// tests and the definition's invariants run unchanged on it, and a few checks prove the retuned
// numbers, criterion and gate are the ones the workflow obeys (so a green run is not vacuous).

import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PSM_PROCESS, type SalesMilestoneDefinition } from '../../workflows/psm-process';
import {
  ACTORS,
  REPO_ROOT,
  USERS,
  eventually,
  refusalOf,
  useHarness,
  useWorkflowBundleByDefault,
} from './helpers';
import { committedHistories } from './history-coverage';
import { completeUpTo } from './path-scenarios';
import { replayOrExplain } from './replay-check';
import { RETUNED } from './retuned-definition';
import { complete, criteriaFor, logCall, passGate, stalledDealScenario } from './scenarios';

jest.mock('../../workflows/psm-process', () => {
  const actual = jest.requireActual('../../workflows/psm-process');
  const { retuneDefinition } = jest.requireActual('./retuned-definition');
  retuneDefinition(actual.PSM_PROCESS);
  return actual;
});

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let retunedBundle: ReturnType<typeof bundleWorkflowCode> | undefined;
useWorkflowBundleByDefault(() => {
  retunedBundle ??= bundleWorkflowCode({
    workflowsPath: path.join(REPO_ROOT, 'workflows'),
    logger: silent,
    webpackConfigHook: (config) => {
      config.module?.rules?.push({
        test: /psm-process\.ts$/,
        enforce: 'pre',
        use: [{ loader: path.join(__dirname, 'fixtures/retune-definition-loader.js') }],
      });
      return config;
    },
  });
  return retunedBundle;
});

const h = useHarness();
const milestone = (key: string) =>
  (PSM_PROCESS.milestones as readonly SalesMilestoneDefinition[]).find((m) => m.key === key);

describe('the retuned definition is the one in force', () => {
  test('in the test process', () => {
    expect(milestone(RETUNED.stallSlaOf)?.stallSlaDays).toBe(RETUNED.stallSlaDays);
    expect(criteriaFor(RETUNED.criterionAt)).toContain(RETUNED.criterion.key);
    expect(milestone(RETUNED.gateAt)?.approvalGate?.key).toBe(RETUNED.gate.key);
  });

  test('in the workflow: the new criterion and the new gate are enforced', async () => {
    const deal = await h.startDeal();
    await completeUpTo(deal, 'project_initiation');
    const withoutNew = criteriaFor(RETUNED.criterionAt).filter((c) => c !== RETUNED.criterion.key);
    const refused = await refusalOf(
      deal.command('completeMilestone', ACTORS.rep, {
        milestone: RETUNED.criterionAt,
        criteriaMet: withoutNew,
        evidence: 'Minutes of the meeting with the customer.',
      }),
    );
    expect(refused.code).toBe('CRITERIA_NOT_MET');
    expect(refused.message).toContain(RETUNED.criterion.key);
    await completeUpTo(deal, 'technical_breakthrough_2');
    expect((await refusalOf(complete(deal, 'business_breakthrough'))).code).toBe('APPROVAL_REQUIRED');
    await passGate(deal, 'business_breakthrough');
    await complete(deal, 'business_breakthrough');
    expect((await deal.state()).milestone).toBe('business_breakthrough');
  });

  test(`in the workflow: a deal at ${RETUNED.stallSlaOf} stalls after ${RETUNED.stallSlaDays} days, not before`, async () => {
    const deal = await h.startDeal();
    await completeUpTo(deal, RETUNED.stallSlaOf);
    await logCall(h, deal);
    const stallMails = () =>
      h.fakes
        .notificationsFor(deal.id)
        .filter((m) => m.template === 'stall_escalation' && m.deal.milestone === RETUNED.stallSlaOf);
    await h.advance(`${RETUNED.stallSlaDays - 1}d`);
    expect(stallMails()).toEqual([]);
    await h.advance('1d');
    await eventually(() => expect(stallMails().map((m) => m.recipientUserId)).toEqual([USERS.manager]));
  });

  test('a stall at business breakthrough (behind its new gate) waits the definition’s SLA', async () => {
    const deal = await stalledDealScenario(h);
    const final = await deal.state();
    expect(final.status).toBe('won');
    expect(
      final.approvals.filter((a) => a.kind === 'milestone_gate').map((a) => [a.milestone, a.status]),
    ).toEqual([
      ['project_initiation', 'approved'],
      [RETUNED.gateAt, 'approved'],
    ]);
  });
});

test('every recorded history replays on the retuned definition', async () => {
  // The SLA change is a threshold: replay-safe by design. The new criterion and gate replay too,
  // because validators never run on replay; what they change is a running deal's NEXT completion
  // at that milestone, which is what npm run process:preview lists before deploying.
  const bundle = await (retunedBundle ?? Promise.reject(new Error('retuned bundle not built')));
  for (const file of committedHistories())
    await expect(replayOrExplain(bundle, file)).resolves.toBeUndefined();
}, 300_000); // one by one, every history (over 30): beyond the default on a loaded machine

describe('the lifecycle tests, unchanged, on the retuned definition', () => {
  jest.requireActual('./opportunity-lifecycle.test'); // registers its tests here
});

describe('the definition’s invariants, unchanged, on the retuned definition', () => {
  jest.requireActual('./psm-process.test');
});
