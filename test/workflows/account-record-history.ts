// Records the account workflow's history the replay test guards (test/histories/account-*.json):
// an account's life on the time-skipping server. Existing files are never overwritten without
// --force (see record-histories.ts for why).
//
//   npx tsx test/workflows/account-record-history.ts              # account-life, if not recorded yet

import fs from 'node:fs';
import path from 'node:path';
import { accountWorkflowId } from '../../workflows/account-messages';
import { createAccountHarness, type AccountHarness } from './account-harness';
import { historyToJsonText } from './history-files';
import { ACTORS, DAY_MS, REPO_ROOT, USERS } from './helpers';

const HISTORIES_DIR = path.join(REPO_ROOT, 'test/histories');

/**
 * Claimed, a visit resets the clock, a business signal, a deal opened and past 项目立项 (protected),
 * the deal lost (clock afresh), warned, lapsed; claimed by a colleague, moved, handed over,
 * then released by an admin.
 */
export async function accountLifeScenario(h: AccountHarness): Promise<string> {
  const acc = h.account('acc-0000000000000000000000000000life');
  await acc.command('claim', ACTORS.rep, {}, 'life-claim');
  await h.advance(5 * DAY_MS);
  await acc.command('logSalesAction', ACTORS.rep, { kind: 'visit', note: 'first visit' }, 'life-visit');
  await acc.command('recordBusinessSignal', ACTORS.rep, { signal: 'competitor_complaint' }, 'life-signal');
  await acc.command('dealOpened', ACTORS.rep, { opportunityId: 'opp-life' }, 'deal:opp-life:1');
  await acc.command(
    'dealProgressed',
    ACTORS.rep,
    { opportunityId: 'opp-life', milestoneIndex: 1, open: true },
    'deal:opp-life:2',
  );
  await h.advance(60 * DAY_MS);
  await acc.command(
    'dealProgressed',
    ACTORS.rep,
    { opportunityId: 'opp-life', milestoneIndex: 1, open: false },
    'deal:opp-life:3',
  );
  await h.advance(60 * DAY_MS); // warned, then lapsed
  const lapsed = await acc.state();
  if (lapsed.ownerId !== null) throw new Error('account-life: the claim should have lapsed');
  await acc.command('claim', ACTORS.otherRep, {}, 'life-claim-2');
  await acc.command('move', ACTORS.otherManager, { toUserId: USERS.rep }, 'life-move');
  await acc.command(
    'handover',
    ACTORS.admin,
    { fromUserId: USERS.rep, toUserId: USERS.teamRep, note: 'leaver' },
    'life-handover',
  );
  await acc.command('release', ACTORS.admin, {}, 'life-release');
  return accountWorkflowId(acc.id);
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const file = path.join(HISTORIES_DIR, 'account-life.json');
  if (fs.existsSync(file) && !force) {
    console.log('account-life: already recorded, kept (use --force to overwrite)');
    return;
  }
  const h = await createAccountHarness();
  try {
    const workflowId = await accountLifeScenario(h);
    // Let the notices and projections drain before the history is taken.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
    fs.writeFileSync(file, historyToJsonText(history));
    console.log(`${file}: ${history.events?.length ?? 0} events`);
  } finally {
    await h.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
