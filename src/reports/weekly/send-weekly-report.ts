// Sends one recipient's weekly report at most once per ISO week, the way activities/email.ts sends
// notifications: the rendered mail is stored once under a unique idempotency key and delivered by
// deliverStoredEmail (claim, send outside any transaction, mark sent). A retry (or a second run in
// the same week) finds it sent and does nothing; a resend after a crash between SMTP acceptance
// and the mark carries the same Message-ID.
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import type { MailSender } from '../../mail/transport';
import { deliverStoredEmail } from '../../mail/deliver-stored-email';
import { messageIdFor } from '../../mail/message-id';
import type { WeeklyReportMailRequest } from '../../contracts/activities';
import { composeWeeklyReport } from './compose-weekly-report';
import { renderWeeklyReport } from './render-weekly-report';
import { weeklyReportContent } from './weekly-report-content';

export const WEEKLY_REPORT_TEMPLATE = 'weekly_report';

export const weeklyReportKey = (isoWeek: string, userId: string): string => `weekly:${isoWeek}:${userId}`;

export interface SendWeeklyReportDeps {
  prisma: PrismaClient;
  sender: MailSender;
  /** MAIL_FROM. */
  from: string;
}

async function store(
  deps: SendWeeklyReportDeps,
  key: string,
  request: WeeklyReportMailRequest,
): Promise<void> {
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
  const mail = renderWeeklyReport(weeklyReportContent(data));
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
  // Rendered once: a retry sends exactly the stored mail.
  if (!existing) await store(deps, key, request);
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
