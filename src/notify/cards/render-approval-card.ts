// The approval card for one recipient on one app channel, tokens issued: what the channel
// delivery layer stores once per (notification key, channel, recipient) and sends as it is, so a
// retried send posts the same card with the same tokens and mints none. Group robots never get
// one: a card in a group would hand the recipient's single-use tokens to everyone in it.
import type { NotificationRequest } from '../../contracts/activities';
import type { PrismaClient } from '../../db/prisma';
import type { TLocale } from '../../i18n/locales';
import type { ActionLinks } from '../../links';
import { isRobotChannel, platformOf, type ChannelKind, type ChannelPayload } from '../channel';
import { buildApprovalCard, cardIdFor, isApprovalCardTemplate } from './approval-card';
import { issueCardTokens } from './issue-card-tokens';

export interface ApprovalCardDeps {
  prisma: PrismaClient;
  links: ActionLinks;
  /** No trailing slash; deal links are `${publicBaseUrl}/#/opportunities/${id}`. */
  publicBaseUrl: string;
  timeZone?: string;
}

/** The card payload, or undefined when this notification on this channel is not an approval card. */
export async function renderApprovalCard(
  deps: ApprovalCardDeps,
  request: NotificationRequest,
  channel: ChannelKind,
  recipient: { id: string; locale: TLocale },
): Promise<ChannelPayload | undefined> {
  const approval = request.approval;
  if (!isApprovalCardTemplate(request.template) || !approval || isRobotChannel(channel)) return undefined;
  if (approval.status !== 'pending') return undefined;
  const ids = [approval.requestedById, approval.approverId].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const people = await deps.prisma.user.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true },
  });
  const tokens = await issueCardTokens(deps.links, {
    approvalId: approval.id,
    opportunityId: request.deal.opportunityId,
    recipientUserId: recipient.id,
  });
  return buildApprovalCard(platformOf(channel), {
    template: request.template,
    locale: recipient.locale,
    timeZone: deps.timeZone ?? 'Asia/Shanghai',
    deal: request.deal,
    approval,
    people: Object.fromEntries(people.map((p) => [p.id, p.name])),
    dealUrl: `${deps.publicBaseUrl}/#/opportunities/${encodeURIComponent(request.deal.opportunityId)}`,
    cardId: cardIdFor(`${request.key}:${channel}:${recipient.id}`),
    tokens,
  });
}
