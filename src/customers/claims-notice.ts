// The claim warning and lapse notices (issue 11): to the rep, and to the rep's manager, on their IM
// channels first (src/notify notifyUser, as deals and reports do), by email when they have none or
// every channel refused for good. Once per key (the account workflow's notice key) across retries:
// the IM side dedups per (key, channel, recipient), the email through its idempotency key.

import type { PrismaClient } from '../db/prisma';
import { AppError } from '../errors/app-error';
import { translator } from '../i18n';
import { deliverStoredEmail } from '../mail/deliver-stored-email';
import { html } from '../mail/html';
import { localeFromDb } from '../mail/locale';
import { messageIdFor } from '../mail/message-id';
import type { MailSender } from '../mail/transport';
import { isRobotChannel, type ChannelClients } from '../notify/channel';
import { notifyUser } from '../notify/notify-user';
import { PSM_PROCESS } from '../../workflows/psm-process';
import type { ClaimNotice } from '../../workflows/account-types';

export interface ClaimNoticeDeps {
  prisma: PrismaClient;
  sender: MailSender;
  from: string;
  publicBaseUrl: string;
  clients?: ChannelClients;
}

/** Retry later (a channel waits for its rate budget or is down): the activity retries. */
export class ClaimNoticeRetry extends Error {}

function localDate(iso: string): string {
  const offset = PSM_PROCESS.workCalendar.utcOffsetMinutes * 60_000;
  return new Date(Date.parse(iso) + offset).toISOString().slice(0, 10);
}

export async function sendClaimNotice(
  deps: ClaimNoticeDeps,
  notice: ClaimNotice,
): Promise<{ sent: boolean; channel?: string }> {
  const owner = await deps.prisma.user.findUnique({ where: { id: notice.ownerId } });
  if (!owner) throw new AppError('NOT_FOUND', `no user ${notice.ownerId}`);
  const recipientId = notice.recipient === 'owner' ? owner.id : owner.managerId;
  // A rep without a manager: nobody to tell on that side.
  if (!recipientId) return { sent: false };
  const recipient =
    notice.recipient === 'owner' ? owner : await deps.prisma.user.findUnique({ where: { id: recipientId } });
  if (!recipient || !recipient.active) return { sent: false };
  const account = await deps.prisma.account.findUnique({
    where: { id: notice.accountId },
    select: { name: true },
  });
  const locale = localeFromDb(recipient.locale);
  const t = translator(locale, 'claims');
  const base = notice.kind === 'claim_warning' ? 'warning' : 'lapsed';
  const side = notice.recipient === 'owner' ? '' : 'manager';
  const params = {
    name: recipient.name,
    owner: owner.name,
    account: account?.name ?? notice.accountId,
    date: localDate(notice.lapsesAt),
    days: PSM_PROCESS.customerFunnel.claims.lapseWorkingDays,
    until: localDate(
      new Date(
        Date.parse(notice.lapsesAt) + PSM_PROCESS.customerFunnel.claims.coolDownDays * 86_400_000,
      ).toISOString(),
    ),
  };
  const subject = t(`${base}.${side ? 'managerSubject' : 'subject'}`, params);
  const body = t(`${base}.${side ? 'managerBody' : 'body'}`, params);
  const url = `${deps.publicBaseUrl}/#/accounts/${encodeURIComponent(notice.accountId)}`;
  const open = t('open', { url });

  const existing = await deps.prisma.emailMessage.findUnique({
    where: { idempotencyKey: notice.key },
    select: { status: true },
  });
  if (existing?.status === 'sent') return { sent: true, channel: 'email' };
  if (!existing && deps.clients && Object.keys(deps.clients).length > 0) {
    const personal = Object.fromEntries(
      Object.entries(deps.clients).filter(([channel]) => !isRobotChannel(channel as never)),
    ) as ChannelClients;
    const outcome = await notifyUser(
      { prisma: deps.prisma, clients: personal },
      {
        key: notice.key,
        userId: recipient.id,
        opportunityId: null,
        template: notice.kind,
        locale,
        render: async () => ({ type: 'markdown', title: subject, markdown: `${body}\n\n${open}`, url }),
      },
    );
    if (outcome.outcome === 'sent') return { sent: true, channel: outcome.channel };
    if (outcome.outcome === 'waiting' || outcome.outcome === 'failed')
      throw new ClaimNoticeRetry(`claim notice ${notice.key} waits for ${outcome.channel}`);
  }
  if (!existing) {
    const page = html`<p>${body}</p>
      <p><a href="${url}">${open}</a></p>`;
    await deps.prisma.emailMessage.createMany({
      data: [
        {
          idempotencyKey: notice.key,
          template: notice.kind,
          toAddress: recipient.email,
          toUserId: recipient.id,
          subject,
          html: String(page),
          text: `${body}\n\n${open}`,
          status: 'pending',
          transport: deps.sender.kind,
          messageId: messageIdFor(notice.key, deps.from),
        },
      ],
      skipDuplicates: true,
    });
  }
  const delivery = await deliverStoredEmail({
    prisma: deps.prisma,
    sender: deps.sender,
    from: deps.from,
    key: notice.key,
  });
  if (delivery.outcome === 'failed') throw delivery.error ?? new Error('send failed');
  if (delivery.outcome === 'busy')
    throw new ClaimNoticeRetry(`claim notice ${notice.key} is being delivered`);
  if (delivery.outcome === 'dead')
    throw new AppError('MAIL_UNDELIVERABLE', `claim notice ${notice.key}: ${delivery.error}`);
  return { sent: true, channel: 'email' };
}
