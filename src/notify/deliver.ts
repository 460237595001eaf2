// Idempotent, rate-limited delivery on one IM channel.
//
// Every notification on a channel is a ChannelDelivery row, unique per (key, channel, recipient):
// created once with the payload rendered for that channel, so a retried activity finds it and
// never posts twice. Rows wait in their recipient's queue; a drain (run by whichever attempt
// comes) takes the recipient's advisory lock, checks the platform budget (./budgets.ts) and, if a
// post fits, claims a ChannelPost carrying either the one waiting row or every waiting row merged
// into one digest post. The post is sent outside any transaction under a lease like
// EmailMessage's (src/mail/deliver-stored-email.ts): a live lease makes other attempts wait, an
// expired one (a worker died mid-send) is taken over and resent flagged possiblyDuplicated. An
// attempt whose row is still waiting (budget spent, or another attempt's post in flight) answers
// 'waiting' with the time to come back; the activity turns that into a retry at that time.
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../db/prisma';
import { translator } from '../i18n';
import { PLATFORM_BUDGETS, POST_MARKDOWN_BYTES, type ChannelBudgets } from './budgets';
import type {
  ChannelClients,
  ChannelFailureCode,
  ChannelKind,
  ChannelPayload,
  ChannelSendResult,
  ChannelTarget,
} from './channel';

export interface ChannelDeliveryDeps {
  prisma: PrismaClient;
  clients: ChannelClients;
  /** Default: the platforms' limits (PLATFORM_BUDGETS). */
  budgets?: Partial<ChannelBudgets>;
  /** How long a post's claim holds without an answer; above the clients' HTTP timeout (10 s). */
  leaseMs?: number;
}

export interface ChannelDeliveryRequest {
  key: string;
  channel: ChannelKind;
  target: ChannelTarget;
  /** Rendered only when this (key, channel, recipient) has no row yet: a retry never re-renders (nor mints tokens). */
  payload: ChannelPayload | (() => Promise<ChannelPayload>);
  userId: string | null;
  opportunityId: string | null;
  template: string;
  /** The recipient's language (for the header of a merged digest). */
  locale: string;
}

export type ChannelDeliveryOutcome =
  | { outcome: 'sent'; possiblyDuplicated: boolean; merged: boolean }
  | { outcome: 'waiting'; retryInMs: number; reason: 'budget' | 'in_flight' }
  | { outcome: 'failed'; detail: string; retryInMs?: number }
  | { outcome: 'dead'; code: ChannelFailureCode; detail: string };

export const DEFAULT_POST_LEASE_MS = 15_000;

export function recipientOf(target: ChannelTarget): string {
  return target.kind === 'user' ? `user:${target.platformUserId}` : `robot:${target.robot}`;
}

interface Row {
  id: string;
  status: 'queued' | 'sending' | 'sent' | 'dead';
  postId: string | null;
  failureCode: string | null;
  lastError: string | null;
}

async function readRow(
  prisma: PrismaClient,
  req: ChannelDeliveryRequest,
  recipient: string,
): Promise<Row | null> {
  return prisma.channelDelivery.findUnique({
    where: { idempotencyKey_channel_recipient: { idempotencyKey: req.key, channel: req.channel, recipient } },
    select: { id: true, status: true, postId: true, failureCode: true, lastError: true },
  });
}

export async function deliverOnChannel(
  deps: ChannelDeliveryDeps,
  req: ChannelDeliveryRequest,
): Promise<ChannelDeliveryOutcome> {
  const { prisma } = deps;
  const recipient = recipientOf(req.target);
  if (!(await readRow(prisma, req, recipient))) await insertRow(prisma, req, recipient);
  let lastDrain: DrainResult | undefined;
  for (let round = 0; round < 3; round++) {
    const row = await readRow(prisma, req, recipient);
    if (!row) throw new Error(`ChannelDelivery ${req.key} vanished`);
    const done = await settled(prisma, row);
    if (done) return done;
    lastDrain = await drain(deps, req.channel, recipient);
    if (lastDrain.kind !== 'posted') break;
  }
  const row = await readRow(prisma, req, recipient);
  const done = row && (await settled(prisma, row));
  if (done) return done;
  if (lastDrain?.kind === 'transient')
    return { outcome: 'failed', detail: lastDrain.detail, retryInMs: lastDrain.retryInMs };
  if (lastDrain?.kind === 'budget')
    return { outcome: 'waiting', retryInMs: lastDrain.retryInMs, reason: 'budget' };
  return {
    outcome: 'waiting',
    retryInMs: lastDrain?.kind === 'busy' ? lastDrain.retryInMs : 1_000,
    reason: 'in_flight',
  };
}

async function insertRow(
  prisma: PrismaClient,
  req: ChannelDeliveryRequest,
  recipient: string,
): Promise<void> {
  const payload = typeof req.payload === 'function' ? await req.payload() : req.payload;
  // A concurrent attempt may have inserted it meanwhile: its row (and payload) wins.
  await prisma.channelDelivery.createMany({
    data: [
      {
        idempotencyKey: req.key,
        channel: req.channel,
        recipient,
        userId: req.userId,
        opportunityId: req.opportunityId,
        template: req.template,
        locale: req.locale,
        payload: { payload, target: req.target } as unknown as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
}

async function settled(prisma: PrismaClient, row: Row): Promise<ChannelDeliveryOutcome | undefined> {
  if (row.status === 'dead')
    return {
      outcome: 'dead',
      code: (row.failureCode ?? 'bad_payload') as ChannelFailureCode,
      detail: row.lastError ?? '',
    };
  if (row.status !== 'sent') return undefined;
  const post = row.postId
    ? await prisma.channelPost.findUnique({
        where: { id: row.postId },
        select: { possiblyDuplicated: true, deliveries: true },
      })
    : null;
  return {
    outcome: 'sent',
    possiblyDuplicated: post?.possiblyDuplicated ?? false,
    merged: (post?.deliveries ?? 1) > 1,
  };
}

type DrainResult =
  | { kind: 'posted' }
  | { kind: 'idle' }
  | { kind: 'busy'; retryInMs: number }
  | { kind: 'budget'; retryInMs: number }
  | { kind: 'transient'; detail: string; retryInMs?: number };

interface Claim {
  postId: string;
  claimId: string;
  payload: ChannelPayload;
  target: ChannelTarget;
}

interface QueuedRow {
  id: string;
  payload: { payload: ChannelPayload; target: ChannelTarget };
  locale: string;
}

/** Claims and sends at most one post for this recipient, within its budget. */
export async function drain(
  deps: ChannelDeliveryDeps,
  channel: ChannelKind,
  recipient: string,
): Promise<DrainResult> {
  const leaseMs = deps.leaseMs ?? DEFAULT_POST_LEASE_MS;
  const windows = deps.budgets?.[channel] ?? PLATFORM_BUDGETS[channel];
  const claimed = await deps.prisma.$transaction(async (tx): Promise<Claim | DrainResult> => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`channel:${channel}:${recipient}`}))`;
    const claimId = randomUUID();
    // A post whose sender died (lease expired): take it over, flagged, and send it again.
    const stale = await tx.$queryRaw<
      { id: string; payload: Claim['payload']; target: ChannelTarget | null }[]
    >`
      UPDATE "ChannelPost" SET "claimId" = ${claimId}::uuid, "claimedAt" = timezone('UTC', now()),
        "attempts" = "attempts" + 1, "possiblyDuplicated" = true
      WHERE "id" = (
        SELECT "id" FROM "ChannelPost"
        WHERE "channel" = ${channel}::"ChannelKind" AND "recipient" = ${recipient} AND "status" = 'sending'
          AND "claimedAt" < timezone('UTC', now()) - ${leaseMs} * interval '1 millisecond'
        ORDER BY "createdAt" LIMIT 1)
      RETURNING "id", "payload"->'payload' AS "payload", "payload"->'target' AS "target"`;
    if (stale[0]?.target)
      return { postId: stale[0].id, claimId, payload: stale[0].payload, target: stale[0].target };
    const live = await tx.$queryRaw<{ leftMs: number }[]>`
      SELECT (EXTRACT(EPOCH FROM ("claimedAt" - timezone('UTC', now()))) * 1000 + ${leaseMs})::float8 AS "leftMs"
      FROM "ChannelPost"
      WHERE "channel" = ${channel}::"ChannelKind" AND "recipient" = ${recipient} AND "status" = 'sending'
      ORDER BY "claimedAt" LIMIT 1`;
    // A live sender normally finishes within one HTTP round trip: look again soon; the lease only
    // decides when a sender that went silent may be replaced.
    if (live[0])
      return { kind: 'busy', retryInMs: Math.min(1_000, Math.max(100, Math.ceil(live[0].leftMs))) };
    for (const w of windows) {
      const rows = await tx.$queryRaw<{ n: number; oldest: Date | null }[]>`
        SELECT count(*)::int AS "n", min("createdAt") AS "oldest" FROM "ChannelPost"
        WHERE "channel" = ${channel}::"ChannelKind" AND "recipient" = ${recipient}
          AND "createdAt" > timezone('UTC', now()) - ${w.ms} * interval '1 millisecond'`;
      const { n, oldest } = rows[0]!;
      if (n >= w.max) {
        const dbNow = await tx.$queryRaw<{ now: Date }[]>`SELECT timezone('UTC', now()) AS "now"`;
        const retryInMs = oldest ? oldest.getTime() + w.ms - dbNow[0]!.now.getTime() : w.ms;
        return { kind: 'budget', retryInMs: Math.max(100, retryInMs + 50) };
      }
    }
    const queued = await tx.$queryRaw<QueuedRow[]>`
      SELECT "id", "payload", "locale" FROM "ChannelDelivery"
      WHERE "channel" = ${channel}::"ChannelKind" AND "recipient" = ${recipient} AND "status" = 'queued'
      ORDER BY "createdAt", "id" LIMIT 200`;
    if (queued.length === 0) return { kind: 'idle' };
    const taken = pickForPost(queued, POST_MARKDOWN_BYTES[channel]);
    const payload = taken.length === 1 ? taken[0]!.payload.payload : mergedPayload(taken);
    const target = mergedTarget(taken);
    const postId = randomUUID();
    await tx.channelPost.create({
      data: {
        id: postId,
        channel,
        recipient,
        status: 'sending',
        payload: { payload, target } as unknown as Prisma.InputJsonValue,
        deliveries: taken.length,
        claimId,
        attempts: 1,
      },
    });
    // claimedAt on the database's clock, like every lease check.
    await tx.$executeRaw`UPDATE "ChannelPost" SET "claimedAt" = timezone('UTC', now()), "createdAt" = timezone('UTC', now()) WHERE "id" = ${postId}::uuid`;
    await tx.channelDelivery.updateMany({
      where: { id: { in: taken.map((r) => r.id) } },
      data: { status: 'sending', postId },
    });
    return { postId, claimId, payload, target };
  });
  if (!('postId' in claimed)) return claimed;
  const client = deps.clients[channel];
  const result: ChannelSendResult = client
    ? await client.send({ target: claimed.target, payload: claimed.payload, idempotencyKey: claimed.postId })
    : { outcome: 'permanent', code: 'not_configured', detail: `${channel} is not configured` };
  await record(deps.prisma, claimed, result);
  if (result.outcome === 'transient')
    return { kind: 'transient', detail: result.detail, retryInMs: result.retryAfterMs };
  return { kind: 'posted' };
}

/** The result, on the post and its rows; retried briefly so a blip after the platform's answer does not resend. */
async function record(prisma: PrismaClient, claim: Claim, result: ChannelSendResult): Promise<void> {
  for (let pause = 100; ; pause *= 2) {
    try {
      await prisma.$transaction(async (tx) => {
        const own = { id: claim.postId, claimId: claim.claimId };
        if (result.outcome === 'sent') {
          const n = await tx.channelPost.updateMany({
            where: own,
            data: {
              status: 'sent',
              sentAt: new Date(),
              claimId: null,
              platformMessageId: result.platformMessageId,
              lastError: null,
            },
          });
          if (n.count)
            await tx.channelDelivery.updateMany({
              where: { postId: claim.postId },
              data: { status: 'sent', sentAt: new Date() },
            });
        } else if (result.outcome === 'permanent') {
          const n = await tx.channelPost.updateMany({
            where: own,
            data: { status: 'dead', claimId: null, lastError: result.detail },
          });
          if (n.count)
            await tx.channelDelivery.updateMany({
              where: { postId: claim.postId },
              data: { status: 'dead', failureCode: result.code, lastError: result.detail },
            });
        } else {
          // Not delivered: the post is spent (it counts against the budget), its rows wait again.
          const n = await tx.channelPost.updateMany({
            where: own,
            data: { status: 'failed', claimId: null, lastError: result.detail },
          });
          if (n.count)
            await tx.channelDelivery.updateMany({
              where: { postId: claim.postId, status: 'sending' },
              data: { status: 'queued', postId: null, lastError: result.detail },
            });
        }
      });
      return;
    } catch (error) {
      if (pause > 3_200) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** A card goes alone; markdown and text waiting together share one post up to the channel's size. */
function pickForPost(queued: QueuedRow[], maxBytes: number): QueuedRow[] {
  const first = queued[0]!;
  if (first.payload.payload.type === 'card' || queued.length === 1) return [first];
  const taken: QueuedRow[] = [];
  let bytes = 200; // the digest's header
  for (const row of queued) {
    if (row.payload.payload.type === 'card') continue;
    const line = Buffer.byteLength(digestLine(row.payload.payload), 'utf8') + 1;
    if (taken.length > 0 && bytes + line > maxBytes) break;
    taken.push(row);
    bytes += line;
  }
  return taken;
}

function digestLine(p: ChannelPayload): string {
  if (p.type === 'text') return `- ${p.text.split('\n')[0] ?? ''}`;
  const url = p.type === 'markdown' ? p.url : undefined;
  return url ? `- [${p.title}](${url})` : `- **${p.title}**`;
}

/** Several notifications for one recipient as one digest post: one linked line each. */
function mergedPayload(rows: QueuedRow[]): ChannelPayload {
  const t = translator(rows[0]!.locale, 'im');
  const title = t('digest.title', { count: rows.length });
  return {
    type: 'markdown',
    title,
    markdown: [
      t('digest.intro', { count: rows.length }),
      ...rows.map((r) => digestLine(r.payload.payload)),
    ].join('\n'),
  };
}

/** A robot post @-mentions everyone it carries notifications for. */
function mergedTarget(rows: QueuedRow[]): ChannelTarget {
  const first = rows[0]!.payload.target;
  if (first.kind === 'user') return first;
  const mention = [
    ...new Set(
      rows.flatMap((r) => (r.payload.target.kind === 'robot' ? (r.payload.target.mention ?? []) : [])),
    ),
  ];
  return { ...first, mention };
}
