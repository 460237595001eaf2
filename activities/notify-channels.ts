// The IM side of sendNotification (issue 13): a notification whose recipient chose IM channels
// goes there, rendered per channel in their language; it falls back to the email only when every
// channel refused it for good. Waiting for a rate budget or a platform that is down is a retry
// of the activity at the time the budget frees up, never a second channel and never a lost
// message. Everything here is idempotent per (key, channel, recipient): see src/notify/deliver.ts.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { NotificationDelivery, NotificationRequest } from '../src/contracts/activities';
import type { PrismaClient } from '../src/db/prisma';
import type { ActionLinks } from '../src/links';
import { localeFromDb } from '../src/mail/locale';
import { actionsFor, notificationBody, type MailContext } from '../src/mail/templates';
import type { ChannelBudgets } from '../src/notify/budgets';
import {
  isRobotChannel,
  type ChannelClients,
  type ChannelKind,
  type ChannelPayload,
} from '../src/notify/channel';
import { renderApprovalCard } from '../src/notify/cards';
import { notifyUser, type ChannelFailure } from '../src/notify/notify-user';
import { renderForChannel } from '../src/notify/render';

export interface ChannelDispatchOptions {
  prisma: PrismaClient;
  clients: ChannelClients;
  links: ActionLinks;
  publicBaseUrl: string;
  timeZone?: string;
  budgets?: Partial<ChannelBudgets>;
  leaseMs?: number;
}

/** What the email activity does with the answer: done on a channel, or go on with the email. */
export type ChannelDispatch = (
  req: NotificationRequest,
) => Promise<{ delivered: NotificationDelivery } | { email: true; failures: ChannelFailure[] }>;

const isUuid = (s: string): boolean => z.uuid().safeParse(s).success;

export function createChannelDispatch(options: ChannelDispatchOptions): ChannelDispatch {
  const { prisma } = options;
  const timeZone = options.timeZone ?? 'Asia/Shanghai';

  return async (req) => {
    const recipient = isUuid(req.recipientUserId)
      ? await prisma.user.findUnique({ where: { id: req.recipientUserId } })
      : null;
    // Unknown or inactive: the email path refuses it with its usual NOT_FOUND.
    if (!recipient || !recipient.active) return { email: true, failures: [] };
    if ((await prisma.userChannel.count({ where: { userId: recipient.id } })) === 0)
      return { email: true, failures: [] };
    const locale = localeFromDb(recipient.locale);
    const dealUrl = `${options.publicBaseUrl}/#/opportunities/${encodeURIComponent(req.deal.opportunityId)}`;

    async function render(channel: ChannelKind): Promise<ChannelPayload> {
      const card = await renderApprovalCard(
        { prisma, links: options.links, publicBaseUrl: options.publicBaseUrl, timeZone },
        req,
        channel,
        { id: recipient!.id, locale },
      );
      if (card) return card;
      const a = req.approval;
      const personIds = [a?.requestedById, a?.approverId, a?.decidedById, req.handover?.acceptorId].filter(
        (id): id is string => !!id && isUuid(id),
      );
      const people = await prisma.user.findMany({
        where: { id: { in: personIds } },
        select: { id: true, name: true },
      });
      const links: MailContext['links'] = { deal: dealUrl };
      // One-click links are the recipient's own capabilities: never posted into a group.
      if (!isRobotChannel(channel)) {
        const { actions, subject } = actionsFor(req.template);
        for (const action of actions) {
          const issued = await options.links.issue({
            action,
            subjectId: subject === 'approval' && a ? a.id : req.deal.opportunityId,
            opportunityId: req.deal.opportunityId,
            userId: recipient!.id,
          });
          links[action] = issued.url;
        }
      }
      const ctx: MailContext = {
        template: req.template,
        locale,
        timeZone,
        recipientName: recipient!.name,
        level: req.level ?? 1,
        deal: req.deal,
        approval: a,
        ...(req.handover ? { handover: req.handover } : {}),
        ...(req.closing ? { closing: req.closing } : {}),
        people: Object.fromEntries(people.map((p) => [p.id, p.name])),
        links,
      };
      return renderForChannel({
        channel,
        locale,
        timeZone,
        text: notificationBody(ctx),
        deal: req.deal,
        links,
      });
    }

    heartbeat();
    const outcome = await notifyUser(
      { prisma, clients: options.clients, budgets: options.budgets, leaseMs: options.leaseMs },
      {
        key: req.key,
        userId: recipient.id,
        opportunityId: req.deal.opportunityId,
        template: req.template,
        locale,
        render,
      },
    );
    switch (outcome.outcome) {
      case 'sent':
        return { delivered: { possiblyDuplicated: outcome.possiblyDuplicated } };
      case 'waiting':
        // Over the recipient's platform budget (or another attempt's post in flight): come back
        // when it frees up; by then what waits for this person goes out merged in one post.
        throw ApplicationFailure.create({
          type: 'RATE_LIMITED',
          message: `notification ${req.key} waits for ${outcome.channel}'s budget`,
          nonRetryable: false,
          nextRetryDelay: Math.max(200, outcome.retryInMs),
        });
      case 'failed':
        throw ApplicationFailure.create({
          type: 'SERVICE_UNAVAILABLE',
          message: `notification ${req.key} on ${outcome.channel}: ${outcome.detail}`,
          nonRetryable: false,
          ...(outcome.retryInMs ? { nextRetryDelay: outcome.retryInMs } : {}),
        });
      case 'fallback':
        if (outcome.failures.length)
          log()?.warn('IM channels refused a notification for good; sending it by email', {
            key: req.key,
            failures: outcome.failures.map((f) => `${f.channel}:${f.code}`).join(','),
          });
        return { email: true, failures: outcome.failures };
    }
  };
}

function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Outside an activity (tests, scripts).
  }
}

function log(): Context['log'] | undefined {
  try {
    return Context.current().log;
  } catch {
    return undefined;
  }
}
