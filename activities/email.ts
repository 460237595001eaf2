// sendNotification: render a notification for its recipient and send it at most once per key.
//
// How "at most once" holds: the EmailMessage row (unique idempotencyKey) is created once with the
// rendered mail; delivery happens while holding that row's lock (SELECT ... FOR UPDATE), and the
// row is marked sent in the same transaction. A retry, or a second attempt running concurrently
// after a start-to-close timeout, waits for the lock and then sees `sent`. The one gap left is a
// crash between the SMTP server's acceptance and the commit; the resend then carries the same
// Message-ID, so mail clients and the SMTP log recognise it as the same message.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { PrismaClient } from '../src/db/prisma';
import type { ActionLinks } from '../src/links';
import { localeFromDb } from '../src/mail/locale';
import { actionsFor, renderNotification, type MailContext } from '../src/mail/templates';
import type { MailSender } from '../src/mail/transport';
import { deliverStoredEmail } from '../src/mail/deliver-stored-email';
import type { NotificationRequest } from './contracts';
import { ZNotificationRequestSchema } from './email-request';

export interface EmailActivitiesOptions {
  prisma: PrismaClient;
  sender: MailSender;
  /** MAIL_FROM, e.g. "PSM <psm@example.com>". */
  from: string;
  /** No trailing slash; deal links are `${publicBaseUrl}/#/opportunities/${id}`. */
  publicBaseUrl: string;
  links: ActionLinks;
  /** Zone for dates shown in mail. Default Asia/Shanghai. */
  timeZone?: string;
  /** Upper bound on one delivery (lock + SMTP + mark sent). Keep it above the SMTP timeouts. Default 120 s. */
  deliveryTimeoutMs?: number;
}

export interface EmailActivities {
  sendNotification(req: NotificationRequest): Promise<void>;
}

const isUuid = (s: string): boolean => z.uuid().safeParse(s).success;

/** Same key, same Message-ID: a resend after a crash is recognisably the same message. */
export function messageIdFor(key: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<psm.${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${domain}>`;
}

export function createEmailActivities(options: EmailActivitiesOptions): EmailActivities {
  const { prisma, sender } = options;
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 120_000;

  function parse(raw: unknown): NotificationRequest {
    const parsed = ZNotificationRequestSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw ApplicationFailure.create({
      type: 'INVALID_INPUT',
      message: `invalid notification request: ${issues}`,
      nonRetryable: true,
    });
  }

  /** Renders and stores the message; a no-op when a concurrent attempt stored it first. */
  async function prepare(req: NotificationRequest): Promise<void> {
    const recipient = isUuid(req.recipientUserId)
      ? await prisma.user.findUnique({ where: { id: req.recipientUserId } })
      : null;
    if (!recipient || !recipient.active) {
      throw ApplicationFailure.create({
        type: 'NOT_FOUND',
        message: `notification recipient ${req.recipientUserId} does not exist or is inactive`,
        nonRetryable: true,
      });
    }
    const a = req.approval;
    const personIds = [a?.requestedById, a?.approverId, a?.decidedById].filter(
      (id): id is string => !!id && isUuid(id),
    );
    const people = await prisma.user.findMany({
      where: { id: { in: personIds } },
      select: { id: true, name: true },
    });

    const { actions, subject } = actionsFor(req.template);
    const links: MailContext['links'] = {
      deal: `${options.publicBaseUrl}/#/opportunities/${encodeURIComponent(req.deal.opportunityId)}`,
    };
    for (const action of actions) {
      // A fresh random link id each rendering: the mail is rendered and stored once (a retry
      // sends the stored mail), so a link that was never stored is never mailed.
      const issued = await options.links.issue({
        action,
        subjectId: subject === 'approval' && a ? a.id : req.deal.opportunityId,
        opportunityId: req.deal.opportunityId,
        userId: recipient.id,
      });
      links[action] = issued.url;
    }

    const rendered = renderNotification({
      template: req.template,
      locale: localeFromDb(recipient.locale),
      timeZone,
      recipientName: recipient.name,
      level: req.level ?? 1,
      deal: req.deal,
      approval: a,
      people: Object.fromEntries(people.map((p) => [p.id, p.name])),
      links,
    });
    await prisma.emailMessage.createMany({
      data: [
        {
          idempotencyKey: req.key,
          template: req.template,
          toAddress: recipient.email,
          toUserId: recipient.id,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          status: 'pending',
          transport: sender.kind,
          messageId: messageIdFor(req.key, options.from),
          opportunityId: req.deal.opportunityId,
        },
      ],
      skipDuplicates: true,
    });
  }

  async function sendNotification(raw: NotificationRequest): Promise<void> {
    const req = parse(raw);
    const existing = await prisma.emailMessage.findUnique({
      where: { idempotencyKey: req.key },
      select: { status: true },
    });
    if (existing?.status === 'sent') return;
    // Rendered once: a retry sends exactly the stored mail, with the links issued the first time.
    if (!existing) await prepare(req);
    const delivery = await deliverStoredEmail({
      prisma,
      sender,
      from: options.from,
      key: req.key,
      timeoutMs: deliveryTimeoutMs,
    });
    // A plain error is retryable: Temporal retries with backoff until SMTP answers again.
    if (delivery.outcome === 'failed') throw delivery.error;
  }

  return { sendNotification };
}
