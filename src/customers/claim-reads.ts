// What the claim pages read from the read model (issue 11): my list with each claim's lapse day and
// days left, an account's owner history and journal, and a team's cap. The account workflow's
// projection (claims-store.ts projectAccount) writes these tables; a command's route writes them
// before it answers, so a page reads its own change.
import type { PrismaClient } from '../db/prisma';
import { AppError } from '../errors/app-error';
import type { AuthenticatedUser } from '../auth/api-tokens';
import { subtreeUserIds } from '../auth/reporting-line';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { accountScope, holderOf } from './account-access';
import { claimUsage, localDay, setTeamClaimCap } from './claims-store';

const CLAIMS = PSM_PROCESS.customerFunnel.claims;
const DAY_MS = 86_400_000;
const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

/** Whole calendar days (the team's, Asia/Shanghai) from today to `at`; negative once past. */
export function daysLeft(at: Date | null, now = new Date()): number | null {
  if (at === null) return null;
  return Math.round((Date.parse(localDay(at)) - Date.parse(localDay(now))) / DAY_MS);
}

/** My list, the most urgent first (protected claims, which have no clock, last). */
export async function myClaims(prisma: PrismaClient, user: AuthenticatedUser, now = new Date()) {
  const [rows, usage] = await Promise.all([
    prisma.account.findMany({
      where: { ownerId: user.id },
      orderBy: [{ lapsesAt: { sort: 'asc', nulls: 'last' } }, { name: 'asc' }],
      select: {
        id: true,
        name: true,
        funnelStep: true,
        claimedAt: true,
        lapsesAt: true,
        warnsAt: true,
        lastSalesActionAt: true,
        protected: true,
      },
    }),
    claimUsage(prisma, user.id),
  ]);
  const claims = rows.map((r) => ({
    accountId: r.id,
    name: r.name,
    funnelStep: r.funnelStep,
    claimedAt: iso(r.claimedAt),
    lapsesAt: r.protected ? null : iso(r.lapsesAt),
    warnsAt: r.protected ? null : iso(r.warnsAt),
    lastSalesActionAt: iso(r.lastSalesActionAt),
    protected: r.protected,
    daysLeft: r.protected ? null : daysLeft(r.lapsesAt, now),
  }));
  const urgency = (c: (typeof claims)[number]) =>
    c.lapsesAt === null ? Number.POSITIVE_INFINITY : Date.parse(c.lapsesAt);
  claims.sort((a, b) => urgency(a) - urgency(b) || a.name.localeCompare(b.name));
  return { claims, held: usage.held, cap: usage.cap, dailyLimit: CLAIMS.dailyClaimLimit };
}

/** Reads of an account's history: the pool's and the caller's line's; not a colleague's outside it. */
async function assertMayRead(prisma: PrismaClient, user: AuthenticatedUser, accountId: string) {
  const row = await prisma.account.findUnique({ where: { id: accountId }, select: { ownerId: true } });
  if (!row) throw new AppError('NOT_FOUND', 'account not found');
  const scope = await accountScope(prisma, user);
  if (holderOf(scope, row.ownerId) === 'colleague')
    throw new AppError('FORBIDDEN', 'this account is held outside your reporting line');
}

export async function ownerHistory(prisma: PrismaClient, user: AuthenticatedUser, accountId: string) {
  await assertMayRead(prisma, user, accountId);
  const rows = await prisma.accountOwnerChange.findMany({
    where: { accountId },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: 500,
  });
  return {
    changes: rows.map((r) => ({
      fromUserId: r.fromUserId,
      toUserId: r.toUserId,
      actorId: r.actorId,
      reason: r.reason,
      note: r.note,
      at: r.at.toISOString(),
    })),
  };
}

/** The journal, newest first, a page at a time (nextBeforeSeq pages on). */
export async function accountJournal(
  prisma: PrismaClient,
  user: AuthenticatedUser,
  accountId: string,
  query: { limit: number; beforeSeq?: number | undefined },
) {
  await assertMayRead(prisma, user, accountId);
  const rows = await prisma.accountEvent.findMany({
    where: { accountId, ...(query.beforeSeq === undefined ? {} : { seq: { lt: query.beforeSeq } }) },
    orderBy: { seq: 'desc' },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    events: page.map((e) => ({
      seq: e.seq,
      type: e.type,
      actorId: e.actorId,
      at: e.at.toISOString(),
      data: (e.data ?? null) as Record<string, unknown> | null,
    })),
    nextBeforeSeq: rows.length > query.limit ? (page[page.length - 1]?.seq ?? null) : null,
  };
}

/**
 * A team's cap (the reps reporting to `managerId`), within the definition's bounds. Who may set it:
 * an admin (the process owner), or a manager or director above that manager in the reporting line;
 * not the manager themselves (a team does not raise its own cap).
 */
export async function putTeamClaimCap(
  prisma: PrismaClient,
  user: AuthenticatedUser,
  managerId: string,
  cap: number,
) {
  const manager = await prisma.user.findUnique({ where: { id: managerId }, select: { role: true } });
  if (!manager) throw new AppError('NOT_FOUND', 'no such manager');
  if (user.role !== 'admin') {
    const above = user.role !== 'rep' && user.id !== managerId;
    if (!above || !(await subtreeUserIds(prisma, user.id)).includes(managerId))
      throw new AppError(
        'FORBIDDEN',
        "only an admin or someone above this manager in the reporting line sets the team's cap",
      );
  }
  if (manager.role === 'rep')
    throw new AppError('INVALID_INPUT', 'managerId names a rep, who has no team', [
      { path: 'params.managerId', message: 'not a manager', rule: 'custom' },
    ]);
  const saved = await setTeamClaimCap(prisma, { managerId, cap, setById: user.id });
  return { ...saved, min: CLAIMS.capMin, max: CLAIMS.capMax };
}
