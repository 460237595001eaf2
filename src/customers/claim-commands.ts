// Claim (报备) commands from the API (issue 11): who may send which command on an account, the
// Update itself (src/customers/claims-client.ts), the refusals as 4xx, and the read model written
// before the answer, so the caller's next read (my list, the account page) shows the change.
//
// Who may act (the workflow checks the rest: pool or held, cool-down, cap, daily limit):
// - claim: anyone signed in, on a pool account;
// - release, sales actions, business signals: the holder, a manager or director above the holder,
//   an admin;
// - assign (a pool account to someone) and move (a claim from one holder to another): a manager or
//   director for people of their line (the holder too, for a move), an admin for anyone.
import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../db/prisma';
import { AppError } from '../errors/app-error';
import type { AuthenticatedUser } from '../auth/api-tokens';
import { canActForOwner } from '../auth/reporting-line';
import { toAppError } from '../temporal/errors';
import type { Logger } from '../logger';
import type { AccountUpdateResult } from '../../workflows/account-messages';
import type { AccountCommandInputs, AccountCommandName, AccountView } from '../../workflows/account-types';
import { accountScope, holderOf } from './account-access';
import { ownerNames } from './accounts';
import { readAccountState, sendAccountCommand, storedAccountReader } from './claims-client';
import { projectAccount } from './claims-store';

export interface ClaimCommandDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  timeoutMs: number;
  logger?: Logger;
}

/** The route verbs and the workflow's command behind each. */
export const CLAIM_VERBS = {
  claim: 'claim',
  release: 'release',
  assign: 'assign',
  move: 'move',
  signals: 'recordBusinessSignal',
  'sales-actions': 'logSalesAction',
} as const satisfies Record<string, AccountCommandName>;
export type ClaimVerb = keyof typeof CLAIM_VERBS;

type Fields<N extends AccountCommandName> = Omit<AccountCommandInputs[N], 'requestId' | 'actor'>;

/** What the caller may see of the account after a command (no journal, no other reps' cool-downs). */
export function claimStateOf(view: AccountView) {
  return {
    id: view.accountId,
    funnelStep: view.funnelStep,
    ownerId: view.ownerId,
    claimedAt: view.claimedAt,
    lapsesAt: view.lapsesAt,
    warnsAt: view.warnsAt,
    lastSalesActionAt: view.lastSalesActionAt,
    protected: view.protected,
  };
}

/**
 * The workflow's request id: one per command, account, caller and Idempotency-Key, so a retry is
 * answered once, and the same key sent by someone else or for another account is a new request
 * (the cap's reservation is remembered by request id across accounts).
 */
export function claimRequestId(
  name: AccountCommandName,
  accountId: string,
  userId: string,
  idempotencyKey: string | undefined,
): string {
  if (!idempotencyKey) return `${name}:${randomUUID()}`;
  const digest = createHash('sha256').update(`${accountId}\0${userId}\0${idempotencyKey}`).digest('hex');
  return `${name}:${digest.slice(0, 32)}`;
}

export function createClaimCommands(deps: ClaimCommandDeps) {
  const { prisma } = deps;
  const target = {
    client: deps.client,
    taskQueue: deps.taskQueue,
    stored: storedAccountReader(prisma),
  };
  const withDeadline = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await deps.client.connection.withDeadline(Date.now() + deps.timeoutMs, fn);
    } catch (err) {
      const appError = toAppError(err);
      // toAppError names deals; here it is the account.
      if (appError.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', 'account not found');
      throw appError;
    }
  };

  const accountRow = async (id: string) => {
    const row = await prisma.account.findUnique({ where: { id }, select: { id: true, ownerId: true } });
    if (!row) throw new AppError('NOT_FOUND', 'account not found');
    return row;
  };

  /** The holder now: the workflow's, else (no workflow yet) the read model's. */
  const currentOwner = async (id: string, stored: string | null): Promise<string | null> => {
    const live = await withDeadline(() => readAccountState(target, id));
    return live === null ? stored : live.ownerId;
  };

  const assertInLine = async (user: AuthenticatedUser, ownerId: string): Promise<void> => {
    if (!(await canActForOwner(prisma, user, ownerId)))
      throw new AppError('FORBIDDEN', 'this account is held outside your reporting line');
  };

  const assertAssignee = async (user: AuthenticatedUser, toUserId: string): Promise<void> => {
    const to = await prisma.user.findUnique({ where: { id: toUserId }, select: { active: true } });
    if (!to?.active)
      throw new AppError('INVALID_INPUT', 'toUserId does not name an active user', [
        { path: 'body.toUserId', message: 'not an active user', rule: 'custom' },
      ]);
    if (!(await canActForOwner(prisma, user, toUserId)))
      throw new AppError('FORBIDDEN', 'you may assign accounts only to people in your reporting line');
  };

  /** ACCOUNT_ALREADY_CLAIMED says who holds it as accounts.ts masks a duplicate's holder. */
  const heldRefusal = async (user: AuthenticatedUser, id: string, err: AppError): Promise<AppError> => {
    const ownerId = await currentOwner(id, (await accountRow(id)).ownerId).catch(() => null);
    const scope = await accountScope(prisma, user);
    const holder = holderOf(scope, ownerId);
    const visible = ownerId !== null && (holder === 'you' || holder === 'line');
    const ownerName = visible ? ((await ownerNames(prisma, [ownerId])).get(ownerId) ?? null) : null;
    return new AppError(err.code, err.message, {
      ...(typeof err.details === 'object' && err.details !== null ? err.details : {}),
      holder,
      ...(visible ? { ownerId, ownerName } : {}),
    });
  };

  /** Writes the command's journal and columns now (idempotent; the workflow projects them too). */
  const projectNow = async (result: AccountUpdateResult): Promise<void> => {
    try {
      await projectAccount(prisma, { view: result.account, events: result.account.events });
    } catch (err) {
      deps.logger?.warn(
        { err, accountId: result.account.accountId },
        "an account command's projection failed; the account workflow projects it",
      );
    }
  };

  async function authorise(
    user: AuthenticatedUser,
    verb: ClaimVerb,
    id: string,
    body: Record<string, unknown>,
  ) {
    const row = await accountRow(id);
    if (verb === 'claim') return;
    if (verb === 'assign' || verb === 'move') {
      if (user.role === 'rep')
        throw new AppError('FORBIDDEN', 'only a manager or an admin assigns and moves accounts');
      await assertAssignee(user, body.toUserId as string);
      if (verb === 'assign') return; // held: the workflow refuses (ACCOUNT_ALREADY_CLAIMED)
    }
    const ownerId = await currentOwner(id, row.ownerId);
    if (ownerId === null) {
      // Release, a move and a signal are refused by the workflow; a sales action on a pool account
      // has no claim to keep alive.
      if (verb === 'sales-actions')
        throw new AppError('ACCOUNT_NOT_CLAIMED', 'this account is in the public pool: claim it first', {});
      return;
    }
    await assertInLine(user, ownerId);
  }

  return {
    async run<V extends ClaimVerb>(
      user: AuthenticatedUser,
      verb: V,
      accountId: string,
      body: Record<string, unknown>,
      idempotencyKey: string | undefined,
    ) {
      await authorise(user, verb, accountId, body);
      const name = CLAIM_VERBS[verb] as AccountCommandName;
      const fields = Object.fromEntries(
        Object.entries(body).filter(([, v]) => v !== undefined && v !== ''),
      ) as Fields<typeof name>;
      const input = {
        ...fields,
        requestId: claimRequestId(name, accountId, user.id, idempotencyKey),
        actor: { userId: user.id, role: user.role },
      } as AccountCommandInputs[typeof name];
      let result: AccountUpdateResult;
      try {
        result = await withDeadline(() => sendAccountCommand(target, accountId, name, input));
      } catch (err) {
        if (err instanceof AppError && err.code === 'ACCOUNT_ALREADY_CLAIMED')
          throw await heldRefusal(user, accountId, err);
        throw err;
      }
      await projectNow(result);
      return {
        requestId: result.requestId,
        command: result.command,
        seq: result.seq,
        ...(result.unchanged ? { unchanged: true } : {}),
        account: claimStateOf(result.account),
      };
    },
  };
}

export type ClaimCommands = ReturnType<typeof createClaimCommands>;
