// sendNotification: render a notification for its recipient and send it at most once per key.
//
// How "at most once" holds: the EmailMessage row (unique idempotencyKey) is created once with the
// rendered mail; deliverStoredEmail claims it with a lease, sends outside any transaction and
// marks it sent, retrying the mark (heartbeating) until just before the activity's start-to-close,
// so a database outage shorter than that never resends and no second attempt starts meanwhile. A
// concurrent attempt finding a live lease fails retryably instead of sending. The one gap left is
// an attempt that died (or outlived its mark window) after the server's acceptance: the resend
// carries the same Message-ID and is flagged possiblyDuplicated by its claim. Each attempt says in
// its Temporal heartbeat when it starts talking SMTP, so the next one flags its resend even when a
// crashed database lost the claim that would have told it.
//
// A mail that can never go out (the database refuses its data, the server answers 5xx) is
// dead-lettered (status 'dead', lastError) and fails non-retryably, so the deal's later mails flow.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { PrismaClient } from '../src/db/prisma';
import type { ActionLinks } from '../src/links';
import { localeFromDb } from '../src/mail/locale';
import { messageIdFor } from '../src/mail/message-id';
import { actionsFor, renderNotification, type MailContext } from '../src/mail/templates';
import type { MailSender } from '../src/mail/transport';
import { deliverStoredEmail, type DeliveryTiming } from '../src/mail/deliver-stored-email';
import { dataError, stripNul } from '../src/mail/poison';
import type { NotificationDelivery, NotificationRequest } from '../src/contracts/activities';
import { ZNotificationRequestSchema } from './email-request';
import type { ChannelDispatch } from './notify-channels';

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
  /** Claim lease and mark retry window; the defaults suit the activity options. */
  deliveryTiming?: Partial<DeliveryTiming>;
  /** IM channels (issue 13): tried first for recipients who chose some; email is the fallback. */
  channels?: ChannelDispatch;
}

export interface EmailActivities {
  sendNotification(req: NotificationRequest): Promise<NotificationDelivery>;
}

const isUuid = (s: string): boolean => z.uuid().safeParse(s).success;

export function createEmailActivities(options: EmailActivitiesOptions): EmailActivities {
  const { prisma, sender } = options;
  const timeZone = options.timeZone ?? 'Asia/Shanghai';

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
    const personIds = [a?.requestedById, a?.approverId, a?.decidedById, req.handover?.acceptorId].filter(
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
      ...(req.handover ? { handover: req.handover } : {}),
      ...(req.closing ? { closing: req.closing } : {}),
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
          // NUL (from a deal name, a comment, ...) is unstorable and meaningless in mail: strip it
          // so the mail still goes out.
          subject: stripNul(rendered.subject),
          html: stripNul(rendered.html),
          text: stripNul(rendered.text),
          status: 'pending',
          transport: sender.kind,
          messageId: messageIdFor(req.key, options.from),
          opportunityId: req.deal.opportunityId,
        },
      ],
      skipDuplicates: true,
    });
  }

  /**
   * The database refused this mail's data for good: keep a visible dead letter (with what can be
   * stored) and fail non-retryably, so the workflow journals notification_failed and moves on.
   */
  async function deadLetter(
    req: NotificationRequest,
    error: { code: string; message: string },
  ): Promise<never> {
    // The server's code and message only: Prisma's own message may quote the statement.
    const reason = `dead letter: the database cannot store this mail (SQLSTATE ${error.code}: ${error.message})`;
    await prisma.emailMessage
      .createMany({
        data: [
          {
            idempotencyKey: req.key,
            template: req.template,
            toAddress: '',
            toUserId: isUuid(req.recipientUserId) ? req.recipientUserId : null,
            subject: '',
            html: '',
            text: '',
            status: 'dead',
            transport: sender.kind,
            messageId: messageIdFor(req.key, options.from),
            opportunityId: stripNul(req.deal.opportunityId),
            lastError: stripNul(reason),
          },
        ],
        skipDuplicates: true,
      })
      .catch(() => undefined);
    throw undeliverable(req.key, reason);
  }

  /**
   * The channels that refused this notification for good before the mail took over, read from
   * their ChannelDelivery rows so that a retry (mail already sent) reports the same ones.
   */
  async function channelFailures(key: string): Promise<Pick<NotificationDelivery, 'channelFailures'>> {
    if (!options.channels) return {};
    const dead = await prisma.channelDelivery.findMany({
      where: { idempotencyKey: key, status: 'dead' },
      select: { channel: true, failureCode: true },
      orderBy: { createdAt: 'asc' },
    });
    if (dead.length === 0) return {};
    return { channelFailures: dead.map((d) => ({ channel: d.channel, reason: d.failureCode ?? 'unknown' })) };
  }

  async function sendNotification(raw: NotificationRequest): Promise<NotificationDelivery> {
    const req = parse(raw);
    const startedAt = Date.now();
    const context = activityContext();
    const earlier = context?.info.heartbeatDetails as AttemptProgress | undefined;
    const mayAlreadyBeDelivered = earlier?.smtpStarted === true;
    let progress: AttemptProgress = { smtpStarted: mayAlreadyBeDelivered };
    const heartbeat = context ? () => context.heartbeat(progress) : undefined;
    heartbeat?.();
    const existing = await prisma.emailMessage.findUnique({
      where: { idempotencyKey: req.key },
      select: { status: true, lastError: true, possiblyDuplicated: true },
    });
    if (existing?.status === 'sent')
      return { possiblyDuplicated: existing.possiblyDuplicated, ...(await channelFailures(req.key)) };
    if (existing?.status === 'dead') throw undeliverable(req.key, existing.lastError ?? 'dead letter');
    // No mail yet: the recipient's IM channels first. Once a mail row exists the notification has
    // fallen back to email for good, so a retry never goes back to a channel.
    if (!existing && options.channels) {
      const im = await options.channels(req);
      if ('delivered' in im) return im.delivered;
    }
    // Rendered once: a retry sends exactly the stored mail, with the links issued the first time.
    if (!existing) {
      try {
        await prepare(req);
      } catch (error) {
        const refused = dataError(error);
        if (refused) await deadLetter(req, refused);
        throw error;
      }
    }
    const delivery = await deliverStoredEmail({
      prisma,
      sender,
      from: options.from,
      key: req.key,
      timing: options.deliveryTiming,
      heartbeat,
      mayAlreadyBeDelivered,
      onSmtp(mayHaveDelivered) {
        // Once an attempt may have delivered, every later resend is a possible duplicate.
        progress = { smtpStarted: mayAlreadyBeDelivered || mayHaveDelivered };
        heartbeat?.();
      },
      markDeadline: context ? markDeadline(startedAt, context.info.startToCloseTimeoutMs) : undefined,
    });
    switch (delivery.outcome) {
      case 'sent':
      case 'already_sent':
        if (delivery.possiblyDuplicated) {
          // Not a secret: the key names the deal and the event, the Message-ID is a hash of it.
          activityLog()?.warn('notification resent after an attempt that may have delivered it', {
            key: req.key,
          });
        }
        return { possiblyDuplicated: delivery.possiblyDuplicated, ...(await channelFailures(req.key)) };
      case 'busy':
        // Another attempt (e.g. one Temporal gave up on) holds a live claim: sending now could
        // deliver twice, so retry once it has finished or its lease has expired.
        throw ApplicationFailure.create({
          type: 'CONFLICT',
          message: `notification ${req.key} is being delivered by another attempt`,
          nonRetryable: false,
          // Come back just after the other attempt's lease would expire, not a backoff later.
          nextRetryDelay: delivery.retryInMs + 500,
        });
      case 'dead':
        throw undeliverable(req.key, delivery.error);
      case 'failed':
        // A plain error is retryable: Temporal retries with backoff until SMTP answers again.
        throw delivery.error;
    }
  }

  return { sendNotification };
}

function undeliverable(key: string, reason: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'MAIL_UNDELIVERABLE',
    message: `notification ${key} is dead-lettered: ${reason}`,
    nonRetryable: true,
  });
}

/** What an attempt tells the next one through its heartbeat (kept by Temporal, not the database). */
interface AttemptProgress {
  /** This or an earlier attempt started an SMTP conversation that may have delivered the mail. */
  smtpStarted: boolean;
}

/** The "sent" mark stops retrying this long before start-to-close, so attempts never overlap. */
export const MARK_DEADLINE_MARGIN_MS = 5_000;

function markDeadline(startedAt: number, startToCloseMs: number): number | undefined {
  return startToCloseMs > MARK_DEADLINE_MARGIN_MS
    ? startedAt + startToCloseMs - MARK_DEADLINE_MARGIN_MS
    : undefined;
}

/** Outside an activity (direct calls in tests, scripts) there is nothing to heartbeat to. */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

function activityLog(): Context['log'] | undefined {
  try {
    return Context.current().log;
  } catch {
    return undefined;
  }
}
