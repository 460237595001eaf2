// Delivers a stored EmailMessage at most once, however often it is called: the row is locked for
// the length of the SMTP conversation, so a retry or a concurrent attempt waits and then sees it
// sent. The one gap: a crash after the server accepted the mail and before the commit resends
// it, with the same Message-ID, so it is recognisably the same message.
import type { PrismaClient } from '../db/prisma';
import type { MailSender } from './transport';

export type Delivery = { outcome: 'sent' | 'already_sent' } | { outcome: 'failed'; error: unknown };

export function errorText(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2000);
}

export async function deliverStoredEmail(opts: {
  prisma: PrismaClient;
  sender: MailSender;
  from: string;
  key: string;
  /** Bounds the transaction; keep it above the SMTP timeouts and below the activity's timeout. */
  timeoutMs?: number;
}): Promise<Delivery> {
  const { prisma, sender, from, key } = opts;
  return prisma.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "EmailMessage" WHERE "idempotencyKey" = ${key} FOR UPDATE`;
      const id = locked[0]?.id;
      if (!id) throw new Error(`EmailMessage ${key} vanished before delivery`);
      const message = await tx.emailMessage.findUniqueOrThrow({ where: { id } });
      if (message.status === 'sent') return { outcome: 'already_sent' } as const;
      try {
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
        // Recorded, not thrown, so the attempt count and the error commit with the transaction.
        await tx.emailMessage.update({
          where: { id },
          data: { attempts: { increment: 1 }, lastError: errorText(error), status: 'failed' },
        });
        return { outcome: 'failed', error: error ?? new Error('send failed') } as const;
      }
      await tx.emailMessage.update({
        where: { id },
        data: {
          attempts: { increment: 1 },
          lastError: null,
          status: 'sent',
          sentAt: new Date(),
          transport: sender.kind,
        },
      });
      return { outcome: 'sent' } as const;
    },
    { maxWait: 10_000, timeout: opts.timeoutMs ?? 120_000 },
  );
}
