// A deal created on an account by id (POST /api/opportunities with accountId, issue 11): the
// account must be on the deal owner's list (claimed by them, or theirs as an active customer);
// an admin may open one on any held account. A pool account is claimed first, and an account on
// someone else's list is theirs to work. The deal takes the account's name, so the read model's
// link (the opportunity_link_account trigger, by normalised name) lands on this very account.
import type { PrismaClient } from '../db/prisma';
import { AppError } from '../errors/app-error';

export async function accountNameForDeal(
  prisma: Pick<PrismaClient, 'account'>,
  input: { accountId: string; ownerId: string; actor: { id: string; role: string } },
): Promise<string> {
  const account = await prisma.account.findUnique({
    where: { id: input.accountId },
    select: { name: true, ownerId: true },
  });
  if (!account) throw new AppError('NOT_FOUND', `no account ${input.accountId}`);
  if (account.ownerId === null)
    throw new AppError('ACCOUNT_NOT_CLAIMED', 'this account is in the public pool: claim it first', {});
  if (account.ownerId !== input.ownerId && input.actor.role !== 'admin')
    throw new AppError('FORBIDDEN', "this account is not on the deal owner's list");
  return account.name;
}
