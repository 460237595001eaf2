// Delivers a stored EmailMessage without ever holding a transaction across SMTP:
//
// 1. claim: one UPDATE takes the row (status 'sending', a fresh claimId, claimedAt, attempts+1)
//    unless it is sent, dead, or held by another attempt whose lease is still running;
// 2. send over SMTP, outside any transaction, renewing the lease while the conversation lasts;
// 3. mark it sent in one short statement, retried in-process with backoff (for an activity: until
//    just before its start-to-close, heartbeating and renewing the lease all along), so a database
//    outage shorter than that after the server's 250 never leads to a resend.
//
// What remains: an attempt that died (or could not mark the row for its whole retry window) after
// the server accepted the mail leaves a 'sending' row whose lease expires; the next attempt resends
// it with the same Message-ID and flags the row possiblyDuplicated, and says so to its caller. The
// flag is written by the resend's claim itself (never after the resend), and again with the mark.
// The caller may know more than the row: a database that crashed can lose an acknowledged claim
// (synchronous_commit=off), so the previous attempt's own word (mayAlreadyBeDelivered, e.g. from its
// Temporal heartbeat) flags the resend too.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/prisma';
import { isPermanentSmtpRejection, type MailSender } from './transport';
import { recordMailDelivery } from '../observability/metrics';

export type Delivery =
  | { outcome: 'sent' | 'already_sent'; possiblyDuplicated: boolean }
  /** Another attempt holds a live lease: retry later; sending now could deliver twice. */
  | { outcome: 'busy'; retryInMs: number }
  /** Worth retrying (SMTP down, 4xx, or the database would not record the result). */
  | { outcome: 'failed'; error: unknown }
  /** Dead letter: the row is 'dead' with the reason in lastError; retrying cannot help. */
  | { outcome: 'dead'; error: string };

export interface DeliveryTiming {
  /** How long a claim stays valid without renewal; a stale claim may be taken over (and resent). */
  leaseMs: number;
  /** How long the "sent" mark is retried after the server accepted the mail (unless given a markDeadline). */
  markRetryMs: number;
}

/** Lease 15 s (renewed every 3 s): a dead worker's mail is resent within seconds, never a live one's. */
export const DEFAULT_DELIVERY_TIMING: DeliveryTiming = { leaseMs: 15_000, markRetryMs: 8_000 };

export function errorText(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2000);
}

interface Claimed {
  id: string;
  toAddress: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  possiblyDuplicated: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type DeliveryOptions = {
  prisma: PrismaClient;
  sender: MailSender;
  from: string;
  key: string;
  timing?: Partial<DeliveryTiming>;
  /** Called while the delivery is alive (e.g. a Temporal activity heartbeat). */
  heartbeat?: () => void;
  /**
   * Epoch ms until which the "sent" mark may retry (an activity: shortly before its start-to-close,
   * so no second attempt starts while this one still marks). Default: markRetryMs after the 250.
   */
  markDeadline?: number;
  /** An earlier attempt may have handed this mail to the server, whatever the row says. */
  mayAlreadyBeDelivered?: boolean;
  /** Told just before the SMTP conversation starts (true) and when it failed without delivery (false). */
  onSmtp?: (mayHaveDelivered: boolean) => void;
};

/** Counts every outcome (mail_deliveries_total) around the delivery itself. */
export async function deliverStoredEmail(opts: DeliveryOptions): Promise<Delivery> {
  const delivery = await deliver(opts).catch((err: unknown) => {
    recordMailDelivery('error');
    throw err;
  });
  recordMailDelivery(delivery.outcome, 'possiblyDuplicated' in delivery && delivery.possiblyDuplicated);
  return delivery;
}

async function deliver(opts: DeliveryOptions): Promise<Delivery> {
  const { prisma, sender, from, key } = opts;
  const timing = { ...DEFAULT_DELIVERY_TIMING, ...opts.timing };
  const claimId = randomUUID();
  const claimed = await prisma.$queryRaw<Claimed[]>`
    UPDATE "EmailMessage" SET
      "possiblyDuplicated" = "possiblyDuplicated" OR "status" = 'sending' OR ${opts.mayAlreadyBeDelivered === true},
      "status" = 'sending',
      "claimId" = ${claimId}::uuid,
      "claimedAt" = timezone('UTC', now()),
      "attempts" = "attempts" + 1
    WHERE "idempotencyKey" = ${key}
      AND ("status" IN ('pending', 'failed')
        OR ("status" = 'sending'
          AND "claimedAt" < timezone('UTC', now()) - ${timing.leaseMs} * interval '1 millisecond'))
    RETURNING "id", "toAddress", "subject", "html", "text", "messageId", "possiblyDuplicated"`;
  const message = claimed[0];
  if (!message) {
    const rows = await prisma.$queryRaw<
      { status: string; possiblyDuplicated: boolean; lastError: string | null; leaseLeftMs: number | null }[]
    >`
      SELECT "status"::text AS "status", "possiblyDuplicated", "lastError",
        (EXTRACT(EPOCH FROM ("claimedAt" - timezone('UTC', now()))) * 1000 + ${timing.leaseMs})::float8
          AS "leaseLeftMs"
      FROM "EmailMessage" WHERE "idempotencyKey" = ${key}`;
    const row = rows[0];
    if (!row) throw new Error(`EmailMessage ${key} vanished before delivery`);
    if (row.status === 'sent') return { outcome: 'already_sent', possiblyDuplicated: row.possiblyDuplicated };
    if (row.status === 'dead') return { outcome: 'dead', error: row.lastError ?? 'dead letter' };
    // 'sending' under a live lease (or a claim that expired in between: retry at once).
    return { outcome: 'busy', retryInMs: Math.max(0, Math.ceil(row.leaseLeftMs ?? 0)) };
  }

  // Keeps the claim (and the caller's heartbeat) alive while SMTP and the mark take their time.
  opts.heartbeat?.();
  const renew = setInterval(
    () => {
      opts.heartbeat?.();
      // The database's clock, like the claim itself: app and database clocks may differ.
      prisma.$executeRaw`
        UPDATE "EmailMessage" SET "claimedAt" = timezone('UTC', now())
        WHERE "id" = ${message.id}::uuid AND "claimId" = ${claimId}::uuid`.catch(() => undefined);
    },
    Math.max(50, Math.floor(timing.leaseMs / 5)),
  );
  try {
    try {
      opts.onSmtp?.(true);
      await sender.send({
        from,
        to: message.toAddress,
        subject: message.subject,
        html: message.html,
        text: message.text,
        messageId: message.messageId,
        // RFC 3834: stops out-of-office replies to a mailbox nobody reads.
        headers: { 'Auto-Submitted': 'auto-generated', 'X-PSM-Notification-Key': key },
      });
    } catch (error) {
      opts.onSmtp?.(false);
      const permanent = isPermanentSmtpRejection(error);
      const lastError = errorText(error);
      // Only this attempt's claim: a takeover after a lost lease is not overwritten. Best effort:
      // if the database is down too, the lease simply expires and a later attempt retries.
      await prisma.emailMessage
        .updateMany({
          where: { id: message.id, claimId },
          data: { status: permanent ? 'dead' : 'failed', lastError, claimId: null },
        })
        .catch(() => undefined);
      return permanent
        ? { outcome: 'dead', error: lastError }
        : { outcome: 'failed', error: error ?? new Error('send failed') };
    }
    return await markSent(prisma, message, sender.kind, opts.markDeadline ?? Date.now() + timing.markRetryMs);
  } finally {
    clearInterval(renew);
  }
}

/** The server has the mail: record it, retrying through a database outage until the deadline. */
async function markSent(
  prisma: PrismaClient,
  message: Claimed,
  transport: MailSender['kind'],
  deadline: number,
): Promise<Delivery> {
  for (let pause = 100; ; pause = Math.min(pause * 2, 1_000)) {
    try {
      await prisma.emailMessage.updateMany({
        where: { id: message.id },
        data: {
          status: 'sent',
          sentAt: new Date(),
          lastError: null,
          claimId: null,
          transport,
          // Again with the mark: a crash may have lost the claim that wrote it.
          ...(message.possiblyDuplicated ? { possiblyDuplicated: true } : {}),
        },
      });
      return { outcome: 'sent', possiblyDuplicated: message.possiblyDuplicated };
    } catch (error) {
      if (Date.now() + pause > deadline)
        return {
          outcome: 'failed',
          error: new Error(
            `accepted by the mail server but not recorded as sent (${errorText(error)}); ` +
              'a later attempt resends it with the same Message-ID once the claim expires',
          ),
        };
      await sleep(pause);
    }
  }
}
