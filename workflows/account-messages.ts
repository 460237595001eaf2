// The account workflow's messages, beside it so the API imports exactly these. Every command is
// an Update (its validator refuses from state with a typed code and leaves no history); the claim,
// assign, move and handover handlers also reserve the cap and daily limit in PostgreSQL.

import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AccountCommandInputs, AccountCommandName, AccountView } from './account-types';

/** What every account command answers: the result and the account as it is now. */
export interface AccountUpdateResult {
  requestId: string;
  command: AccountCommandName;
  seq: number;
  unchanged?: boolean;
  account: AccountView;
}

const command = <N extends AccountCommandName>(name: N) =>
  defineUpdate<AccountUpdateResult, [AccountCommandInputs[N]], N>(name);

export const accountUpdates: {
  [N in AccountCommandName]: UpdateDefinition<AccountUpdateResult, [AccountCommandInputs[N]], N>;
} = {
  claim: command('claim'),
  release: command('release'),
  assign: command('assign'),
  move: command('move'),
  handover: command('handover'),
  logSalesAction: command('logSalesAction'),
  recordBusinessSignal: command('recordBusinessSignal'),
  dealOpened: command('dealOpened'),
  dealProgressed: command('dealProgressed'),
  dealWon: command('dealWon'),
  handoverFinished: command('handoverFinished'),
};

export const getAccountStateQuery = defineQuery<AccountView>('getAccountState');

/** Workflow id of an account's workflow. */
export const accountWorkflowId = (accountId: string): string => `account-${accountId}`;
