// The whole-book handover (离职继承, issue 11) in the domain: what a leaver's book holds (the dry
// run and the workflow's plan), the checks before a run, moving one claim or deal (the activity's
// body), the reorganisation of the leaver's reports, and the owner history with the reason.
// The durable run is workflows/book-handover.ts.
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../db/prisma';
import { AppError } from '../errors/app-error';
import { toAppError } from '../temporal/errors';
import { projectSafely } from '../read-model/project-safely';
import { subtreeUserIds } from '../auth/reporting-line';
import { getStateQuery, projectionSinceQuery, updateDealUpdate } from '../../workflows/opportunity-messages';
import type {
  BookHandoverItemOutcome,
  BookHandoverItemRequest,
  BookHandoverPlan,
} from '../../workflows/book-handover';
import { sendAccountCommand, storedAccountReader } from './claims-client';

const LIVE_STATUSES = ['open', 'on_hold'];
/** Temporal unreachable or slow, the deal not ready yet: the activity retries. */
const RETRYABLE = new Set(['SERVICE_UNAVAILABLE', 'TEMPORAL_UNAVAILABLE', 'INTERNAL']);

/** The handover's id: from the caller and their Idempotency-Key (a retry is the same run), else fresh. */
export function bookHandoverId(actorId: string, idempotencyKey: string | undefined, fresh: string): string {
  if (idempotencyKey === undefined) return fresh;
  return createHash('sha256').update(`${actorId}\0${idempotencyKey}`).digest('hex').slice(0, 32);
}

/** Refuses a handover that cannot run: unknown users, the same person, an inactive successor, a cycle. */
export async function checkBookHandover(
  prisma: PrismaClient,
  input: { fromUserId: string; toUserId: string },
): Promise<void> {
  if (input.fromUserId === input.toUserId)
    throw new AppError('INVALID_INPUT', 'the successor must be someone else', {
      issues: [{ path: 'toUserId', message: 'must differ from fromUserId', rule: 'custom' }],
    });
  const users = await prisma.user.findMany({
    where: { id: { in: [input.fromUserId, input.toUserId] } },
    select: { id: true, active: true, managerId: true },
  });
  const from = users.find((u) => u.id === input.fromUserId);
  const to = users.find((u) => u.id === input.toUserId);
  if (!from) throw new AppError('NOT_FOUND', `no user ${input.fromUserId}`);
  if (!to) throw new AppError('NOT_FOUND', `no user ${input.toUserId}`);
  if (!to.active)
    throw new AppError('OWNER_INACTIVE', `${input.toUserId} is deactivated and cannot take over a book`, {
      ownerId: input.toUserId,
    });
  // The leaver's reports go to the successor: a successor further down that line would manage
  // their own manager. A direct report is lifted to the leaver's place instead.
  if (to.managerId !== from.id && (await subtreeUserIds(prisma, from.id)).includes(to.id))
    throw new AppError('INVALID_INPUT', 'the successor is below the leaver in the reporting line', {
      issues: [{ path: 'toUserId', message: 'is below fromUserId in the reporting line', rule: 'custom' }],
    });
}

/** The leaver's claims, open deals and the pending approvals they are to decide, from the read model. */
export async function planBookHandover(prisma: PrismaClient, fromUserId: string): Promise<BookHandoverPlan> {
  const [claims, deals, approvals] = await Promise.all([
    prisma.account.findMany({
      where: { ownerId: fromUserId },
      select: { id: true, name: true },
      orderBy: { id: 'asc' },
    }),
    prisma.opportunity.findMany({
      where: { ownerId: fromUserId, status: { in: LIVE_STATUSES as never } },
      select: { id: true, name: true },
      orderBy: { id: 'asc' },
    }),
    prisma.approval.findMany({
      where: { approverId: fromUserId, status: 'pending' },
      select: { id: true, opportunityId: true },
      orderBy: { id: 'asc' },
    }),
  ]);
  return {
    claims: claims.map((c) => ({ accountId: c.id, name: c.name })),
    deals: deals.map((d) => ({ id: d.id, name: d.name })),
    approvals: approvals.map((a) => ({ opportunityId: a.opportunityId, approvalId: a.id })),
  };
}

export async function recordBookHandoverItem(
  prisma: PrismaClient,
  item: BookHandoverItemRequest & BookHandoverItemOutcome,
): Promise<void> {
  const outcome = item.outcome === 'failed' ? `failed:${item.code ?? 'UNKNOWN'}` : item.outcome;
  const key = { handoverId: item.handoverId, kind: item.kind, subjectId: item.subjectId };
  await prisma.bookHandoverItem.upsert({
    where: { handoverId_kind_subjectId: key },
    create: {
      ...key,
      fromUserId: item.fromUserId,
      toUserId: item.toUserId,
      actorId: item.actor.userId,
      reason: item.reason,
      outcome,
    },
    update: { outcome },
  });
}

/** The leaver's direct reports now report to the successor (a direct-report successor takes the leaver's place). */
export async function reassignReports(
  prisma: PrismaClient,
  input: { fromUserId: string; toUserId: string },
): Promise<string[]> {
  return prisma.$transaction(async (tx) => {
    const leaver = await tx.user.findUnique({ where: { id: input.fromUserId }, select: { managerId: true } });
    await tx.user.updateMany({
      where: { id: input.toUserId, managerId: input.fromUserId },
      data: { managerId: leaver?.managerId ?? null },
    });
    const reports = await tx.user.findMany({
      where: { managerId: input.fromUserId, id: { not: input.toUserId } },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    await tx.user.updateMany({
      where: { id: { in: reports.map((r) => r.id) } },
      data: { managerId: input.toUserId },
    });
    return reports.map((r) => r.id);
  });
}

export interface HandOverDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
}

/** The request id of one item's command: the same on every retry or resumed run. */
export const bookHandoverRequestId = (item: BookHandoverItemRequest): string =>
  `book-handover:${item.handoverId}:${item.kind}:${item.subjectId}`;

/**
 * Moves one claim (the account's handover Update) or one deal (its owner change, projected here
 * as the API projects a command) and records the outcome. A refusal is an outcome; Temporal or
 * the database being unreachable throws, and the activity is retried with the same request id.
 */
export async function handOverBookItem(
  deps: HandOverDeps,
  item: BookHandoverItemRequest,
): Promise<BookHandoverItemOutcome> {
  let outcome: BookHandoverItemOutcome;
  try {
    outcome = item.kind === 'claim' ? await handOverClaim(deps, item) : await handOverDeal(deps, item);
  } catch (err) {
    const appError = toAppError(err);
    if (RETRYABLE.has(appError.code)) throw err;
    outcome = { outcome: 'failed', code: appError.code };
  }
  await recordBookHandoverItem(deps.prisma, { ...item, ...outcome });
  return outcome;
}

async function handOverClaim(
  deps: HandOverDeps,
  item: BookHandoverItemRequest,
): Promise<BookHandoverItemOutcome> {
  const result = await sendAccountCommand(
    // A claim with no workflow yet (the deals backfill, an import) starts from its stored owner.
    { client: deps.client, taskQueue: deps.taskQueue, stored: storedAccountReader(deps.prisma) },
    item.subjectId,
    'handover',
    {
      requestId: bookHandoverRequestId(item),
      actor: item.actor,
      fromUserId: item.fromUserId,
      toUserId: item.toUserId,
      note: item.reason,
    },
  );
  return { outcome: result.unchanged ? 'unchanged' : 'moved' };
}

async function handOverDeal(
  deps: HandOverDeps,
  item: BookHandoverItemRequest,
): Promise<BookHandoverItemOutcome> {
  const handle = deps.client.workflow.getHandle(item.subjectId);
  const requestId = bookHandoverRequestId(item);
  // Someone gave the deal to another owner since the plan was read: it is theirs now.
  const state = await handle.query(getStateQuery);
  if (state.ownerId !== item.fromUserId && state.ownerId !== item.toUserId) return { outcome: 'unchanged' };
  const result = await handle.executeUpdate(updateDealUpdate, {
    args: [{ requestId, actor: item.actor, ownerId: item.toUserId }],
    updateId: requestId,
  });
  if (result.projection) {
    const { gapAfter } = await projectSafely(deps.prisma, result.projection, { requireContiguous: true });
    if (gapAfter !== null) await fill(deps, item.subjectId, gapAfter);
  } else {
    // A repeat (the worker died after the Update): make sure the read model has it.
    const row = await deps.prisma.opportunity.findUnique({
      where: { id: item.subjectId },
      select: { lastEventSeq: true },
    });
    if ((row?.lastEventSeq ?? 0) < result.seq) await fill(deps, item.subjectId, row?.lastEventSeq ?? 0);
  }
  return { outcome: result.changed ? 'moved' : 'unchanged' };
}

async function fill(deps: HandOverDeps, opportunityId: string, since: number): Promise<void> {
  const missing = await deps.client.workflow.getHandle(opportunityId).query(projectionSinceQuery, since);
  await projectSafely(deps.prisma, missing);
}
