// Sends one recipient's weekly report at most once per ISO week, the way activities/email.ts sends
// notifications: the rendered mail is stored once under a unique idempotency key and delivered by
// deliverStoredEmail (claim, send outside any transaction, mark sent). A retry (or a second run in
// the same week) finds it sent and does nothing; a resend after a crash between SMTP acceptance
// and the mark carries the same Message-ID.
// With IM channels configured (issue 13) it goes first on the recipient's channels in their order
// (notifyUser: one ChannelDelivery per key, channel and recipient, within the platform's rate
// budget) and by email only when they have none or every channel refused it for good.
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import type { MailSender } from '../../mail/transport';
import { deliverStoredEmail } from '../../mail/deliver-stored-email';
import { messageIdFor } from '../../mail/message-id';
import type { WeeklyReportMailRequest } from '../../contracts/activities';
import { composeWeeklyReport } from './compose-weekly-report';
import { renderWeeklyReport } from './render-weekly-report';
import { weeklyReportContent, type WeeklyReportContent } from './weekly-report-content';
import { isRobotChannel, type ChannelClients } from '../../notify/channel';
import type { ChannelBudgets } from '../../notify/budgets';
import { notifyUser } from '../../notify/notify-user';
import { renderWeeklyReportMessage, weeklyReportUrl } from './weekly-report-message';

export const WEEKLY_REPORT_TEMPLATE = 'weekly_report';

export const weeklyReportKey = (isoWeek: string, userId: string): string => `weekly:${isoWeek}:${userId}`;

export interface SendWeeklyReportDeps {
  prisma: PrismaClient;
  sender: MailSender;
  /** MAIL_FROM. */
  from: string;
  /** IM channel clients; absent or empty: email only. */
  clients?: ChannelClients;
  /** PUBLIC_BASE_URL, for the link to the full report in an IM message. */
  publicBaseUrl?: string;
  budgets?: Partial<ChannelBudgets>;
}

/** The IM channel asks to be retried (rate budget, platform outage): never another channel. */
export class WeeklyReportRetry extends Error {
  constructor(
    message: string,
    readonly retryInMs?: number,
  ) {
    super(message);
    this.name = 'WeeklyReportRetry';
  }
}

async function contentFor(
  deps: SendWeeklyReportDeps,
  request: WeeklyReportMailRequest,
): Promise<{ recipient: { id: string; email: string }; content: WeeklyReportContent }> {
  const recipient = await deps.prisma.user.findUnique({ where: { id: request.recipientId } });
  if (!recipient || !recipient.active)
    throw new AppError(
      'NOT_FOUND',
      `weekly report recipient ${request.recipientId} does not exist or is inactive`,
    );
  const data = await composeWeeklyReport({
    prisma: deps.prisma,
    recipientId: recipient.id,
    isoWeek: request.isoWeek,
    week: { from: new Date(request.from), to: new Date(request.to) },
    asOf: new Date(request.asOf),
  });
  return { recipient, content: weeklyReportContent(data) };
}

async function store(
  deps: SendWeeklyReportDeps,
  key: string,
  request: WeeklyReportMailRequest,
  composed?: Awaited<ReturnType<typeof contentFor>>,
): Promise<void> {
  const { recipient, content } = composed ?? (await contentFor(deps, request));
  const mail = renderWeeklyReport(content);
  await deps.prisma.emailMessage.createMany({
    data: [
      {
        idempotencyKey: key,
        template: WEEKLY_REPORT_TEMPLATE,
        toAddress: recipient.email,
        toUserId: recipient.id,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        status: 'pending',
        transport: deps.sender.kind,
        messageId: messageIdFor(key, deps.from),
      },
    ],
    skipDuplicates: true,
  });
}

export async function sendWeeklyReport(
  deps: SendWeeklyReportDeps,
  request: WeeklyReportMailRequest,
): Promise<{ key: string; alreadySent: boolean }> {
  const key = weeklyReportKey(request.isoWeek, request.recipientId);
  const existing = await deps.prisma.emailMessage.findUnique({
    where: { idempotencyKey: key },
    select: { status: true },
  });
  if (existing?.status === 'sent') return { key, alreadySent: true };
  let composed: Awaited<ReturnType<typeof contentFor>> | undefined;
  if (!existing && deps.clients && Object.keys(deps.clients).length > 0 && deps.publicBaseUrl) {
    composed = await contentFor(deps, request);
    const before = await deps.prisma.channelDelivery.findFirst({
      where: { idempotencyKey: key, status: 'sent' },
      select: { id: true },
    });
    const { content } = composed;
    const url = weeklyReportUrl(deps.publicBaseUrl, request.isoWeek);
    // A team's numbers are the manager's: never posted in a group through a robot, only to the person.
    const personal = Object.fromEntries(
      Object.entries(deps.clients).filter(([channel]) => !isRobotChannel(channel as never)),
    ) as ChannelClients;
    const outcome = await notifyUser(
      { prisma: deps.prisma, clients: personal, budgets: deps.budgets },
      {
        key,
        userId: request.recipientId,
        opportunityId: null,
        template: WEEKLY_REPORT_TEMPLATE,
        locale: content.locale,
        render: async (channel) => renderWeeklyReportMessage(content, channel, url),
      },
    );
    if (outcome.outcome === 'sent') return { key, alreadySent: before !== null };
    if (outcome.outcome === 'waiting')
      throw new WeeklyReportRetry(`weekly report ${key} waits for ${outcome.channel}`, outcome.retryInMs);
    if (outcome.outcome === 'failed')
      throw new WeeklyReportRetry(
        `weekly report ${key} on ${outcome.channel}: ${outcome.detail}`,
        outcome.retryInMs,
      );
    // fallback: no channel, or every channel refused it for good: the email below.
  }
  // Rendered once: a retry sends exactly the stored mail.
  if (!existing) await store(deps, key, request, composed);
  const delivery = await deliverStoredEmail({
    prisma: deps.prisma,
    sender: deps.sender,
    from: deps.from,
    key,
  });
  if (delivery.outcome === 'failed') throw delivery.error ?? new Error('send failed');
  // A plain Error is retried: another attempt is delivering it right now.
  if (delivery.outcome === 'busy')
    throw new Error(`weekly report ${key} is being delivered by another attempt`);
  if (delivery.outcome === 'dead')
    throw new AppError('MAIL_UNDELIVERABLE', `weekly report ${key}: ${delivery.error}`);
  return { key, alreadySent: delivery.outcome === 'already_sent' };
}
