// Sends a command to an account's workflow, starting the workflow if the account has none yet
// (executeUpdateWithStart, USE_EXISTING): a pool account nobody touched costs nothing on Temporal.
// The one way the API, the deal-event hook, the handover workflow's callers and the benches reach
// an account. Refusals come back as the workflow's ApplicationFailure (type = error code).

import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { account } from '../../workflows/account';
import {
  accountUpdates,
  accountWorkflowId,
  getAccountStateQuery,
  type AccountUpdateResult,
} from '../../workflows/account-messages';
import {
  FUNNEL_STEPS,
  type AccountCommandInputs,
  type AccountCommandName,
  type AccountView,
  type FunnelStep,
  type StoredAccount,
} from '../../workflows/account-types';
import type { PrismaClient } from '../db/prisma';

export interface AccountCommandTarget {
  client: Client;
  taskQueue: string;
  /**
   * What the read model holds about an account (owner, step) when its workflow is started: an
   * account the deals backfill, a CSV import or the API gave an owner starts with that owner, not
   * in the pool. Every caller with a database passes `storedAccountReader(prisma)`.
   */
  stored?: (accountId: string) => Promise<StoredAccount | undefined>;
}

/** Reads an account's stored owner and step (undefined for an unknown account or a plain pool one). */
export function storedAccountReader(
  prisma: Pick<PrismaClient, 'account'>,
): (accountId: string) => Promise<StoredAccount | undefined> {
  return async (accountId) => {
    const row = await prisma.account.findUnique({
      where: { id: accountId },
      select: { ownerId: true, funnelStep: true, claimedAt: true, lastSalesActionAt: true },
    });
    if (!row) return undefined;
    const funnelStep = (FUNNEL_STEPS as readonly string[]).includes(row.funnelStep)
      ? (row.funnelStep as FunnelStep)
      : 'target';
    if (row.ownerId === null && funnelStep === 'target') return undefined;
    return {
      ownerId: row.ownerId,
      funnelStep,
      claimedAt: row.claimedAt?.toISOString() ?? null,
      lastSalesActionAt: row.lastSalesActionAt?.toISOString() ?? null,
    };
  };
}

export async function sendAccountCommand<N extends AccountCommandName>(
  target: AccountCommandTarget,
  accountId: string,
  name: N,
  input: AccountCommandInputs[N],
): Promise<AccountUpdateResult> {
  // One primary-key lookup per command: the server uses the args only when it starts the workflow.
  const stored = await target.stored?.(accountId);
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof account>('account', {
    workflowId: accountWorkflowId(accountId),
    taskQueue: target.taskQueue,
    args: [stored === undefined ? { accountId } : { accountId, stored }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return target.client.workflow.executeUpdateWithStart(accountUpdates[name], {
    args: [input],
    startWorkflowOperation,
  });
}

/** The account's live state, or null when it never had a workflow (an untouched pool account). */
export async function readAccountState(
  target: AccountCommandTarget,
  accountId: string,
): Promise<AccountView | null> {
  try {
    return await target.client.workflow.getHandle(accountWorkflowId(accountId)).query(getAccountStateQuery);
  } catch (err) {
    if ((err as { name?: string }).name === 'WorkflowNotFoundError') return null;
    throw err;
  }
}
