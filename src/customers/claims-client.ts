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
import type { AccountCommandInputs, AccountCommandName, AccountView } from '../../workflows/account-types';

export interface AccountCommandTarget {
  client: Client;
  taskQueue: string;
}

export async function sendAccountCommand<N extends AccountCommandName>(
  target: AccountCommandTarget,
  accountId: string,
  name: N,
  input: AccountCommandInputs[N],
): Promise<AccountUpdateResult> {
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof account>('account', {
    workflowId: accountWorkflowId(accountId),
    taskQueue: target.taskQueue,
    args: [{ accountId }],
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
