// PostgreSQL side of claims (报备): the cross-account rules (cap per rep, daily claim limit) that
// one account's workflow cannot decide alone, reserved atomically per rep; the team caps; and the
// projection of an account workflow's journal into AccountEvent / AccountOwnerChange / Account.
//
// reserveClaim is the activity behind every claim, assign, move and handover: idempotent by the
// Update's request id (a retried activity, or a retried Update, gets the first answer), serialised
// per rep by a transaction-scoped advisory lock so two claims at once cannot both take the last slot.
// It is one SQL statement (the reserve_claim function): claims at once for one rep queue on the lock
// as long as needed, never on Prisma's interactive-transaction clock (P2028 under load).

import type { PrismaClient } from '../db/prisma';
import { AppError } from '../errors/app-error';
import { PSM_PROCESS } from '../../workflows/psm-process';
import type {
  AccountProjection,
  ClaimReservation,
  ClaimReservationRequest,
} from '../../workflows/account-types';

const CLAIMS = PSM_PROCESS.customerFunnel.claims;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNull = (value: unknown): string | null =>
  typeof value === 'string' && UUID.test(value) ? value : null;

/** The team's local day of an instant (the work calendar's offset: China, +08:00). */
export function localDay(at: Date): string {
  const offset = PSM_PROCESS.workCalendar.utcOffsetMinutes * 60_000;
  return new Date(at.getTime() + offset).toISOString().slice(0, 10);
}

/** A rep's cap: their manager's team cap if the process owner set one, else the definition's default. */
export async function capFor(
  prisma: Pick<PrismaClient, 'user' | 'teamClaimCap'>,
  userId: string,
): Promise<number> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { managerId: true } });
  if (!user?.managerId) return CLAIMS.capDefault;
  const team = await prisma.teamClaimCap.findUnique({ where: { managerId: user.managerId } });
  return team?.cap ?? CLAIMS.capDefault;
}

function answerOf(row: { ok: boolean; code: string | null; details: unknown }): ClaimReservation {
  if (row.ok) return { ok: true };
  const details = (row.details ?? {}) as Record<string, number>;
  if (row.code === 'CLAIM_DAILY_LIMIT')
    return { ok: false, code: 'CLAIM_DAILY_LIMIT', today: details.today ?? 0, limit: details.limit ?? 0 };
  return { ok: false, code: 'CLAIM_CAP_REACHED', current: details.current ?? 0, cap: details.cap ?? 0 };
}

export async function reserveClaim(
  prisma: PrismaClient,
  request: ClaimReservationRequest,
): Promise<ClaimReservation> {
  if (!UUID.test(request.userId)) throw new AppError('NOT_FOUND', `no user ${request.userId}`);
  const at = new Date(request.at);
  // One statement (prisma/migrations/*_reserve_claim_function): it waits on the rep's lock without
  // a client-side transaction clock, so claims at the same time queue instead of failing.
  const rows = await prisma.$queryRaw<
    { granted: boolean; refusal: string | null; refusal_details: unknown }[]
  >`
    SELECT * FROM reserve_claim(${request.requestId}, ${request.accountId}, ${request.userId}::uuid,
      ${request.kind}, ${localDay(at)}, ${at.toISOString()}::timestamptz,
      ${CLAIMS.capDefault}::int, ${CLAIMS.dailyClaimLimit}::int)`;
  const row = rows[0];
  if (!row) throw new Error(`reserve_claim answered nothing for ${request.requestId}`);
  return answerOf({ ok: row.granted, code: row.refusal, details: row.refusal_details });
}

export async function releaseClaim(
  prisma: PrismaClient,
  request: { accountId: string; userId: string },
): Promise<void> {
  if (!UUID.test(request.userId)) return;
  await prisma.claimHolding.deleteMany({ where: { accountId: request.accountId, userId: request.userId } });
}

/** Claims a rep holds now (for the cap) and their cap. */
export async function claimUsage(
  prisma: PrismaClient,
  userId: string,
): Promise<{ held: number; cap: number }> {
  // claims_held (prisma/migrations/*_claims_held_counts_stored_owners): the count the cap uses.
  const [rows, cap] = await Promise.all([
    prisma.$queryRaw<{ held: number }[]>`SELECT claims_held(${userId}::uuid) AS held`,
    capFor(prisma, userId),
  ]);
  return { held: rows[0]?.held ?? 0, cap };
}

/** Sets a team's cap within the definition's bounds; refuses outside them. */
export async function setTeamClaimCap(
  prisma: PrismaClient,
  input: { managerId: string; cap: number; setById: string },
): Promise<{ managerId: string; cap: number }> {
  if (!Number.isInteger(input.cap) || input.cap < CLAIMS.capMin || input.cap > CLAIMS.capMax)
    throw new AppError(
      'CLAIM_CAP_OUT_OF_BOUNDS',
      `the cap must be an integer from ${CLAIMS.capMin} to ${CLAIMS.capMax}`,
      {
        min: CLAIMS.capMin,
        max: CLAIMS.capMax,
        cap: input.cap,
      },
    );
  const row = await prisma.teamClaimCap.upsert({
    where: { managerId: input.managerId },
    create: input,
    update: { cap: input.cap, setById: input.setById },
  });
  return { managerId: row.managerId, cap: row.cap };
}

/**
 * Writes the account workflow's journal (idempotent by seq: a re-sent batch writes nothing twice)
 * and, when this batch is the newest, the Account columns the pool, lists and reports read.
 */
export async function projectAccount(prisma: PrismaClient, projection: AccountProjection): Promise<void> {
  const { view, events } = projection;
  await prisma.$transaction(async (tx) => {
    const account = await tx.account.findUnique({ where: { id: view.accountId }, select: { seq: true } });
    if (!account) throw new AppError('NOT_FOUND', `no account ${view.accountId} to project into`);
    if (events.length > 0) {
      await tx.accountEvent.createMany({
        data: events.map((e) => ({
          accountId: view.accountId,
          seq: e.seq,
          type: e.type,
          actorId: uuidOrNull(e.actorId),
          at: new Date(e.at),
          data: e.data as object,
        })),
        skipDuplicates: true,
      });
      const ownerChanges = events.filter((e) => e.type === 'owner_changed');
      if (ownerChanges.length > 0)
        await tx.accountOwnerChange.createMany({
          data: ownerChanges.map((e) => ({
            id: `${view.accountId}:${e.seq}`,
            accountId: view.accountId,
            fromUserId: uuidOrNull(e.data.from),
            toUserId: uuidOrNull(e.data.to),
            actorId: uuidOrNull(e.actorId),
            reason: String(e.data.reason),
            note: typeof e.data.note === 'string' ? e.data.note : null,
            at: new Date(e.at),
          })),
          skipDuplicates: true,
        });
    }
    if (view.seq < account.seq) return; // an older batch arriving late: the columns are newer already
    await tx.account.update({
      where: { id: view.accountId },
      data: {
        funnelStep: view.funnelStep,
        ownerId: uuidOrNull(view.ownerId),
        claimedAt: view.claimedAt === null ? null : new Date(view.claimedAt),
        lapsesAt: view.lapsesAt === null ? null : new Date(view.lapsesAt),
        warnsAt: view.warnsAt === null ? null : new Date(view.warnsAt),
        lastSalesActionAt: view.lastSalesActionAt === null ? null : new Date(view.lastSalesActionAt),
        protected: view.protected,
        seq: view.seq,
      },
    });
  });
}
