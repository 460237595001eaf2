// Sets a user's target for a period. Managers and directors set targets for the people below
// them, admins for anyone; nobody sets their own. Periods of one user must not overlap (the same
// period is replaced), or a forecast would count the overlap twice.
import type { PrismaClient } from '../db/prisma';
import type { SalesTarget } from '../generated/prisma/client';
import { subtreeUserIds, type Actor } from '../auth/reporting-line';
import { AppError } from '../errors/app-error';
import { dayToStoredDate } from './report-period';
import type { TSalesTarget, TSetTarget } from './target-schemas';

export function toTargetDto(t: SalesTarget): TSalesTarget {
  return {
    userId: t.userId,
    periodStart: t.periodStart.toISOString().slice(0, 10),
    periodEnd: t.periodEnd.toISOString().slice(0, 10),
    amount: Number(t.amount),
    updatedAt: t.updatedAt.toISOString(),
  };
}

async function assertMaySetTargetFor(prisma: PrismaClient, actor: Actor, userId: string): Promise<void> {
  if (actor.role === 'admin') {
    if (!(await prisma.user.findUnique({ where: { id: userId }, select: { id: true } })))
      throw new AppError('NOT_FOUND', 'user not found');
    return;
  }
  const below =
    actor.role === 'rep' ? [] : (await subtreeUserIds(prisma, actor.id)).filter((id) => id !== actor.id);
  if (!below.includes(userId)) {
    throw new AppError(
      'FORBIDDEN',
      'targets are set by a manager or director for people in their line, or by an admin',
    );
  }
}

export async function setSalesTarget({
  prisma,
  actor,
  userId,
  target,
}: {
  prisma: PrismaClient;
  actor: Actor;
  userId: string;
  target: TSetTarget;
}): Promise<{ target: TSalesTarget; created: boolean }> {
  await assertMaySetTargetFor(prisma, actor, userId);
  const periodStart = dayToStoredDate(target.periodStart);
  const periodEnd = dayToStoredDate(target.periodEnd);
  return prisma.$transaction(async (tx) => {
    // One writer per user at a time, so two overlapping periods cannot both pass the check.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`target:${userId}`}))`;
    const overlapping = await tx.salesTarget.findFirst({
      where: {
        userId,
        periodStart: { lte: periodEnd },
        periodEnd: { gte: periodStart },
        NOT: { periodStart, periodEnd },
      },
    });
    if (overlapping) {
      throw new AppError('CONFLICT', 'this period overlaps another target of the same user', {
        existing: toTargetDto(overlapping),
      });
    }
    const key = { userId_periodStart_periodEnd: { userId, periodStart, periodEnd } };
    const existed = (await tx.salesTarget.findUnique({ where: key })) !== null;
    const saved = await tx.salesTarget.upsert({
      where: key,
      create: { userId, periodStart, periodEnd, amount: target.amount },
      update: { amount: target.amount },
    });
    return { target: toTargetDto(saved), created: !existed };
  });
}
