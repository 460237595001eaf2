// Sends one recipient's weekly project report of one deal at most once per ISO week, as the weekly
// report does: rendered once under a unique idempotency key, delivered by deliverStoredEmail.
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import type { MailSender } from '../../mail/transport';
import { deliverStoredEmail } from '../../mail/deliver-stored-email';
import { localeFromDb } from '../../mail/locale';
import { messageIdFor } from '../../mail/message-id';
import type { ProjectReportMailRequest } from '../../contracts/project-reports';
import { renderWeeklyReport } from '../weekly/render-weekly-report';
import { composeProjectReport } from './compose-project-report';
import { projectReportContent } from './project-report-content';
import { isRobotChannel, type ChannelClients } from '../../notify/channel';
import type { ChannelBudgets } from '../../notify/budgets';
import { notifyUser } from '../../notify/notify-user';
import { WeeklyReportRetry } from '../weekly/send-weekly-report';
import { projectReportUrl, renderProjectReportMessage } from './project-report-message';

export const PROJECT_REPORT_TEMPLATE = 'project_report';

export const projectReportKey = (isoWeek: string, opportunityId: string, userId: string): string =>
  `project-report:${isoWeek}:${opportunityId}:${userId}`;

export interface SendProjectReportDeps {
  prisma: PrismaClient;
  sender: MailSender;
  from: string;
  /** IM channel clients; absent or empty: email only. */
  clients?: ChannelClients;
  /** PUBLIC_BASE_URL, for the link in an IM message. */
  publicBaseUrl?: string;
  budgets?: Partial<ChannelBudgets>;
}

async function contentFor(deps: SendProjectReportDeps, request: ProjectReportMailRequest) {
  const recipient = await deps.prisma.user.findUnique({ where: { id: request.recipientId } });
  if (!recipient || !recipient.active)
    throw new AppError(
      'NOT_FOUND',
      `project report recipient ${request.recipientId} does not exist or is inactive`,
    );
  const data = await composeProjectReport({
    prisma: deps.prisma,
    opportunityId: request.opportunityId,
    week: { from: new Date(request.from), to: new Date(request.to), isoWeek: request.isoWeek },
  });
  return {
    recipient,
    content: projectReportContent(data, { name: recipient.name, locale: localeFromDb(recipient.locale) }),
  };
}

export async function sendProjectReport(
  deps: SendProjectReportDeps,
  request: ProjectReportMailRequest,
): Promise<{ key: string; alreadySent: boolean }> {
  const key = projectReportKey(request.isoWeek, request.opportunityId, request.recipientId);
  const existing = await deps.prisma.emailMessage.findUnique({
    where: { idempotencyKey: key },
    select: { status: true },
  });
  if (existing?.status === 'sent') return { key, alreadySent: true };
  let composed: Awaited<ReturnType<typeof contentFor>> | undefined;
  // Issue 14: the recipient's personal IM channels first (never a group robot: a deal's numbers are
  // for its team), under the same key; the mail only when they have none or all refused for good.
  if (!existing && deps.clients && Object.keys(deps.clients).length > 0 && deps.publicBaseUrl) {
    composed = await contentFor(deps, request);
    const before = await deps.prisma.channelDelivery.findFirst({
      where: { idempotencyKey: key, status: 'sent' },
      select: { id: true },
    });
    const { content } = composed;
    const url = projectReportUrl(deps.publicBaseUrl, request.opportunityId, request.isoWeek);
    const personal = Object.fromEntries(
      Object.entries(deps.clients).filter(([channel]) => !isRobotChannel(channel as never)),
    ) as ChannelClients;
    const outcome = await notifyUser(
      { prisma: deps.prisma, clients: personal, budgets: deps.budgets },
      {
        key,
        userId: request.recipientId,
        opportunityId: request.opportunityId,
        template: PROJECT_REPORT_TEMPLATE,
        locale: content.locale,
        render: async (channel) => renderProjectReportMessage(content, channel, url),
      },
    );
    if (outcome.outcome === 'sent') return { key, alreadySent: before !== null };
    if (outcome.outcome === 'waiting')
      throw new WeeklyReportRetry(`project report ${key} waits for ${outcome.channel}`, outcome.retryInMs);
    if (outcome.outcome === 'failed')
      throw new WeeklyReportRetry(
        `project report ${key} on ${outcome.channel}: ${outcome.detail}`,
        outcome.retryInMs,
      );
  }
  if (!existing) {
    const { recipient, content } = composed ?? (await contentFor(deps, request));
    const mail = renderWeeklyReport(content);
    await deps.prisma.emailMessage.createMany({
      data: [
        {
          idempotencyKey: key,
          template: PROJECT_REPORT_TEMPLATE,
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
  const delivery = await deliverStoredEmail({
    prisma: deps.prisma,
    sender: deps.sender,
    from: deps.from,
    key,
  });
  if (delivery.outcome === 'failed') throw delivery.error ?? new Error('send failed');
  if (delivery.outcome === 'busy')
    throw new Error(`project report ${key} is being delivered by another attempt`);
  if (delivery.outcome === 'dead')
    throw new AppError('MAIL_UNDELIVERABLE', `project report ${key}: ${delivery.error}`);
  return { key, alreadySent: delivery.outcome === 'already_sent' };
}
