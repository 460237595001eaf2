// Records the account workflow's history the replay test guards (test/histories/account-*.json):
// an account's life on the time-skipping server. Existing files are never overwritten without
// --force (see record-histories.ts for why).
//
//   npx tsx test/workflows/account-record-history.ts              # the ones not recorded yet

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

/**
 * An account the read model already gave an owner and a step (the deals backfill, a CSV import)
 * starts its workflow with them (the `account-start-from-stored` patch): the owner logs a visit,
 * a colleague's claim is refused (held), the claim warns and lapses, the colleague claims it.
 */
export async function accountStoredOwnerScenario(h: AccountHarness): Promise<string> {
  const acc = h.account('acc-00000000000000000000000000stored');
  await h.env.client.workflow.start('account', {
    workflowId: accountWorkflowId(acc.id),
    taskQueue: h.taskQueue,
    args: [
      {
        accountId: acc.id,
        stored: {
          ownerId: USERS.rep,
          funnelStep: 'intent',
          claimedAt: '2026-01-05T02:00:00.000Z',
          lastSalesActionAt: null,
        },
      },
    ],
  });
  await acc.command('logSalesAction', ACTORS.rep, { kind: 'visit' }, 'stored-visit');
  const refused = await acc.command('claim', ACTORS.otherRep, {}, 'stored-claim-refused').then(
    () => false,
    () => true,
  );
  if (!refused) throw new Error('account-stored-owner: a held account must refuse a colleague');
  await h.advance(60 * DAY_MS); // warned, then lapsed
  if ((await acc.state()).ownerId !== null) throw new Error('account-stored-owner: the claim should lapse');
  await acc.command('claim', ACTORS.otherRep, {}, 'stored-claim');
  return accountWorkflowId(acc.id);
}

const SCENARIOS: Record<string, (h: AccountHarness) => Promise<string>> = {
  'account-life': accountLifeScenario,
  'account-stored-owner': accountStoredOwnerScenario,
  // Recorded after patched('psm-punctual-timers'): the claim clock's warning and lapse each sleep
  // to the margin before their due time, then the rest.
  'account-punctual-life': accountLifeScenario,
};

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    const file = path.join(HISTORIES_DIR, `${name}.json`);
    if (fs.existsSync(file) && !force) {
      console.log(`${name}: already recorded, kept (use --force to overwrite)`);
      continue;
    }
    const h = await createAccountHarness();
    try {
      const workflowId = await scenario(h);
      // Let the notices and projections drain before the history is taken.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
      fs.writeFileSync(file, historyToJsonText(history));
      console.log(`${file}: ${history.events?.length ?? 0} events`);
    } finally {
      await h.close();
    }
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
