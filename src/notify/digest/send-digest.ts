// Sends one person's digest for one local date, at most once: keyed `digest:<date>:<userId>`. On
// the person's IM channels through the channel layer (a ChannelDelivery row per key, channel and
// recipient: a retry never posts twice), or by email when they have none or every channel refused
// it for good (an EmailMessage row under the same key, delivered like every mail). Rendered once:
// a retry sends exactly what was stored.
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import { deliverStoredEmail } from '../../mail/deliver-stored-email';
import { messageIdFor } from '../../mail/message-id';
import type { MailSender } from '../../mail/transport';
import type { ChannelClients } from '../channel';
import type { ChannelBudgets } from '../budgets';
import { notifyUser } from '../notify-user';
import { digestContent } from './digest-content';
import { renderDigestEmail, renderDigestMessage } from './render-digest';

export const DIGEST_TEMPLATE = 'morning_digest';
export const digestKey = (date: string, userId: string): string => `digest:${date}:${userId}`;

export interface SendDigestDeps {
  prisma: PrismaClient;
  sender: MailSender;
  from: string;
  clients: ChannelClients;
  publicBaseUrl: string;
  timeZone: string;
  budgets?: Partial<ChannelBudgets>;
}

export type SendDigestOutcome =
  | { via: 'channel' | 'email'; alreadySent: boolean }
  /** Waiting for a rate budget or a platform that is down: retry later (never another channel). */
  | { via: 'retry'; detail: string; retryInMs?: number };

export async function sendDigest(
  deps: SendDigestDeps,
  request: { recipientId: string; date: string; asOf: Date },
): Promise<SendDigestOutcome> {
  const key = digestKey(request.date, request.recipientId);
  const mail = await deps.prisma.emailMessage.findUnique({
    where: { idempotencyKey: key },
    select: { status: true },
  });
  if (mail?.status === 'sent') return { via: 'email', alreadySent: true };
  const content = await digestContent(deps.prisma, {
    recipientId: request.recipientId,
    asOf: request.asOf,
    timeZone: deps.timeZone,
  });
  if (!content)
    throw new AppError('NOT_FOUND', `digest recipient ${request.recipientId} does not exist or is inactive`);
  // The date the plan chose wins over the content's own (a run that started just before midnight).
  content.date = request.date;
  const appUrl = `${deps.publicBaseUrl}/`;

  if (!mail) {
    const before = await deps.prisma.channelDelivery.findFirst({
      where: { idempotencyKey: key, status: 'sent' },
      select: { id: true },
    });
    const outcome = await notifyUser(
      { prisma: deps.prisma, clients: deps.clients, budgets: deps.budgets },
      {
        key,
        userId: content.recipient.id,
        opportunityId: null,
        template: DIGEST_TEMPLATE,
        locale: content.recipient.locale,
        render: async () => renderDigestMessage(content, { timeZone: deps.timeZone, appUrl }),
      },
    );
    if (outcome.outcome === 'sent') return { via: 'channel', alreadySent: before !== null };
    if (outcome.outcome === 'waiting')
      return { via: 'retry', detail: `waiting for ${outcome.channel}`, retryInMs: outcome.retryInMs };
    if (outcome.outcome === 'failed')
      return { via: 'retry', detail: `${outcome.channel}: ${outcome.detail}`, retryInMs: outcome.retryInMs };
    // fallback: no channel, or every channel refused it for good: the email.
    const rendered = renderDigestEmail(content, { timeZone: deps.timeZone, appUrl });
    await deps.prisma.emailMessage.createMany({
      data: [
        {
          idempotencyKey: key,
          template: DIGEST_TEMPLATE,
          toAddress: content.recipient.email,
          toUserId: content.recipient.id,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          status: 'pending',
          transport: deps.sender.kind,
          messageId: messageIdFor(key, deps.from),
        },
      ],
      skipDuplicates: true,
    });
  }
  const delivery = await deliverStoredEmail({
    prisma: deps.prisma,
    sender: deps.sender,
    from: deps.from,
    key,
  });
  if (delivery.outcome === 'failed') return { via: 'retry', detail: String(delivery.error ?? 'send failed') };
  if (delivery.outcome === 'busy') return { via: 'retry', detail: 'being delivered by another attempt' };
  if (delivery.outcome === 'dead')
    throw new AppError('MAIL_UNDELIVERABLE', `digest ${key}: ${String(delivery.error)}`);
  return { via: 'email', alreadySent: delivery.outcome === 'already_sent' };
}
