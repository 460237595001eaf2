// Records the histories the replay test guards: runs each representative deal on the
// time-skipping server and saves its history under test/histories/.
//
//   npx tsx test/workflows/record-histories.ts                 # every scenario not recorded yet
//   npx tsx test/workflows/record-histories.ts lean-won-deal   # just one
//   npx tsx test/workflows/record-histories.ts --force NAME    # overwrite one (think twice)
//
// Re-record only on purpose (a new kind of deal worth guarding). Re-recording after a workflow
// change would hide exactly the incompatibility the replay test exists to catch: old histories
// stay, new ones are added beside them, which is why existing files are never overwritten
// without --force.
//
// The first three were recorded before the lean-history patch (one timer per clock, a projection
// per change); the lean-* ones after it. Both kinds of run exist in production, so both replay.
// The authz-* ones were recorded after patched('psm-authorization-rules').

import fs from 'node:fs';
import path from 'node:path';
import { createHarness, REPO_ROOT, type DealDriver, type Harness, type HarnessOptions } from './helpers';
import { migratedDealScenario, v2WorkflowBundle } from './process-version-scenarios';
import { historyToJsonText } from './history-files';
import { ltcLostDealScenario, ltcWonDealScenario } from './ltc-scenarios';
import {
  approvedFollowsDealScenario,
  channelFallbackScenario,
  continuedDealScenario,
  ownerChangeScenario,
  possiblyDuplicatedMailScenario,
  reorganisationScenario,
  reroutedApprovalScenario,
  selfApprovalScenario,
  stalledDealScenario,
  troubledDealScenario,
  wonDealScenario,
} from './scenarios';
import { contractWindowEscalationScenario } from '../calendar/scenarios';
import {
  businessBreakthroughStallScenario,
  continuedWithQueuedMailScenario,
  holdResumeScenario,
  lostReopenScenario,
  missingLineScenario,
  rejectedApprovalScenario,
  reorganisationAtClockCheckScenario,
  technicalBreakthrough2StallScenario,
  voidedApprovalScenario,
} from './path-scenarios';

export const HISTORIES_DIR = path.join(REPO_ROOT, 'test/histories');

interface Recording {
  /** File name under test/histories (without .json). */
  name: string;
  run(h: Harness): Promise<DealDriver>;
  /** Which run of the deal to save: its first run or the one running now. */
  which: 'first' | 'latest';
  /** Workflows bundled differently (e.g. with a test process version); the shared bundle otherwise. */
  workflowBundle?: HarnessOptions['workflowBundle'];
  /** A folder under test/histories replayed by its own test (its bundle is not the production one). */
  dir?: string;
}

const RECORDINGS: Recording[] = [
  { name: 'won-deal', run: wonDealScenario, which: 'latest' },
  { name: 'troubled-deal', run: troubledDealScenario, which: 'latest' },
  { name: 'continued-deal-first-run', run: (h) => continuedDealScenario(h), which: 'first' },
  { name: 'lean-won-deal', run: wonDealScenario, which: 'latest' },
  { name: 'lean-troubled-deal', run: troubledDealScenario, which: 'latest' },
  { name: 'lean-continued-deal-first-run', run: (h) => continuedDealScenario(h), which: 'first' },
  // Recorded after the authorization patch: each covers one of its new paths.
  { name: 'authz-owner-change', run: ownerChangeScenario, which: 'latest' },
  { name: 'authz-rerouted-approval', run: reroutedApprovalScenario, which: 'latest' },
  { name: 'authz-self-approval', run: selfApprovalScenario, which: 'latest' },
  { name: 'authz-reorganisation', run: reorganisationScenario, which: 'latest' },
  // Recorded after patched('psm-mail-possibly-duplicated').
  { name: 'mail-possibly-duplicated', run: possiblyDuplicatedMailScenario, which: 'latest' },
  // Recorded after patched('psm-void-approved-on-change').
  { name: 'approved-follows-deal', run: approvedFollowsDealScenario, which: 'latest' },
  // Recorded after patched('psm-search-attributes'): upserts at a stage change, a stall, an
  // amount and owner change, the win.
  { name: 'search-attributes-stalled-deal', run: stalledDealScenario, which: 'latest' },
  // Recorded after China's working-day calendar: a contract window that escalates on its due date.
  { name: 'china-calendar-contract-window', run: contractWindowEscalationScenario, which: 'latest' },
  // Recorded after patched('psm-ltc-deal-team'): a sales project with its team, plan, an SR told
  // of a stall, the closing summary and a handover escalated twice then accepted by the FR; a
  // major deal lost to a competitor with lessons; a plain won deal whose checklist is its handover.
  { name: 'ltc-won-deal', run: ltcWonDealScenario, which: 'latest' },
  { name: 'ltc-lost-deal', run: ltcLostDealScenario, which: 'latest' },
  { name: 'ltc-plain-won-deal', run: wonDealScenario, which: 'latest' },
  // Recorded after patched('psm-channel-fallback-journal'): an approval request whose IM channel
  // refused it for good, journalled before the deal goes on.
  { name: 'channel-fallback-journal', run: channelFallbackScenario, which: 'latest' },
  // Recorded for issue 17 (every path covered, on the code of that day, all patches taken): the
  // paths no earlier history walked. history-coverage.test.ts checks that together the histories
  // use every activity, command, signal, patch and notification template.
  { name: 'path-stall-technical-breakthrough-2', run: technicalBreakthrough2StallScenario, which: 'latest' },
  {
    name: 'path-stall-business-breakthrough-contract-window',
    run: businessBreakthroughStallScenario,
    which: 'latest',
  },
  { name: 'path-rejected-approval-re-requested', run: rejectedApprovalScenario, which: 'latest' },
  { name: 'path-hold-resume', run: holdResumeScenario, which: 'latest' },
  { name: 'path-lost-reopen', run: lostReopenScenario, which: 'latest' },
  { name: 'path-continued-deal-second-run', run: (h) => continuedDealScenario(h), which: 'latest' },
  { name: 'path-completed-deal', run: wonDealScenario, which: 'latest' },
  // Recorded when the coverage check began to require every journal event type: the paths where
  // the owner's line is missing (look-up failed, a mail failed for good, a stall with nobody to
  // tell) and where a reorganisation leaves a pending gate with nobody to decide it.
  { name: 'path-missing-line', run: missingLineScenario, which: 'latest' },
  { name: 'path-approval-voided', run: voidedApprovalScenario, which: 'latest' },
  // Recorded when the mutation check found a reorganisation noticed at the clock check on no history.
  { name: 'path-reorganisation-at-clock-check', run: reorganisationAtClockCheckScenario, which: 'latest' },
  // Recorded when the mutation check found the I/O loops' order on no history: a second run that
  // starts with a queued mail and an unprojected event (continued-as-new as its stall fired).
  { name: 'path-second-run-queued-mail', run: continuedWithQueuedMailScenario, which: 'latest' },
  // Recorded after patched('psm-punctual-timers') (issue 16): every wake-up sleeps to its margin
  // before the due time, then the rest; a stall through both escalation levels, the follow-ups.
  {
    name: 'punctual-stall-technical-breakthrough-2',
    run: technicalBreakthrough2StallScenario,
    which: 'latest',
  },
  // Recorded after patched('psm-process-versions') on the workflows with the test's version 2
  // (fixtures/process-version-v2.ts): a deal at 技术突破2 migrated from version 1 (dry run, then for
  // real, clocks re-armed), then through the new 商务突破 gate to the win. Its bundle is not the
  // production one, so it lives in histories/process-versions/ and
  // process-version-migration.test.ts replays it.
  {
    name: 'process-version-migrated',
    run: migratedDealScenario,
    which: 'latest',
    workflowBundle: v2WorkflowBundle,
    dir: 'process-versions',
  },
];

async function record(recording: Recording): Promise<void> {
  const h = await createHarness(recording.workflowBundle ? { workflowBundle: recording.workflowBundle } : {});
  try {
    const deal = await recording.run(h);
    const handle =
      recording.which === 'first'
        ? h.env.client.workflow.getHandle(deal.id, deal.handle.firstExecutionRunId)
        : deal.handle;
    const history = await handle.fetchHistory();
    const dir = path.join(HISTORIES_DIR, recording.dir ?? '');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${recording.name}.json`);
    fs.writeFileSync(file, historyToJsonText(history));
    console.log(`${file}: ${history.events?.length ?? 0} events`);
  } finally {
    await h.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const only = args.filter((a) => a !== '--force');
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  for (const recording of RECORDINGS) {
    if (only.length > 0 && !only.includes(recording.name)) continue;
    if (fs.existsSync(path.join(HISTORIES_DIR, recording.dir ?? '', `${recording.name}.json`)) && !force) {
      console.log(`${recording.name}: already recorded, kept (use --force NAME to overwrite)`);
      continue;
    }
    await record(recording);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
