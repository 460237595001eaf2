// One notification to one of our users over their IM channels, in their order of preference: the
// first channel that accepts it wins; a permanent refusal moves on to the next; a transient one
// or a full rate budget stops here and asks to be retried (moving on would post the same
// notification on two channels). When every channel refused for good (or the user has none), the
// caller sends the email.
import type { PrismaClient } from '../db/prisma';
import {
  isRobotChannel,
  type ChannelClients,
  type ChannelFailureCode,
  type ChannelKind,
  type ChannelPayload,
  type ChannelTarget,
} from './channel';
import { deliverOnChannel, type ChannelDeliveryDeps } from './deliver';

export interface ChannelFailure {
  channel: ChannelKind;
  code: ChannelFailureCode;
  detail: string;
}

export type NotifyUserOutcome =
  | { outcome: 'sent'; channel: ChannelKind; possiblyDuplicated: boolean; failures: ChannelFailure[] }
  | { outcome: 'waiting'; channel: ChannelKind; retryInMs: number }
  | { outcome: 'failed'; channel: ChannelKind; detail: string; retryInMs?: number }
  | { outcome: 'fallback'; failures: ChannelFailure[] };

export interface NotifyUserRequest {
  key: string;
  userId: string;
  opportunityId: string | null;
  template: string;
  locale: string;
  render: (channel: ChannelKind) => Promise<ChannelPayload>;
}

/** The robot of the nearest line above (or of) the user that has one on this channel. */
async function teamRobotFor(
  prisma: PrismaClient,
  userId: string,
  channel: ChannelKind,
): Promise<string | undefined> {
  let id: string | null = userId;
  for (let depth = 0; id && depth < 20; depth++) {
    const robot = await prisma.teamRobot.findUnique({
      where: { managerId_channel: { managerId: id, channel } },
    });
    if (robot) return robot.robot;
    const user: { managerId: string | null } | null = await prisma.user.findUnique({
      where: { id },
      select: { managerId: true },
    });
    id = user?.managerId ?? null;
  }
  return undefined;
}

export async function notifyUser(
  deps: ChannelDeliveryDeps & { clients: ChannelClients },
  req: NotifyUserRequest,
): Promise<NotifyUserOutcome> {
  const channels = await deps.prisma.userChannel.findMany({
    where: { userId: req.userId },
    orderBy: { position: 'asc' },
  });
  const failures: ChannelFailure[] = [];
  for (const pref of channels) {
    if (!deps.clients[pref.channel]) {
      failures.push({
        channel: pref.channel,
        code: 'not_configured',
        detail: `${pref.channel} is not configured on this server`,
      });
      continue;
    }
    let target: ChannelTarget;
    if (isRobotChannel(pref.channel)) {
      const robot = await teamRobotFor(deps.prisma, req.userId, pref.channel);
      if (!robot) {
        failures.push({
          channel: pref.channel,
          code: 'not_configured',
          detail: `no ${pref.channel} set for the user's line`,
        });
        continue;
      }
      target = { kind: 'robot', robot, mention: [pref.platformUserId] };
    } else {
      target = { kind: 'user', platformUserId: pref.platformUserId };
    }
    const result = await deliverOnChannel(deps, {
      key: req.key,
      channel: pref.channel,
      target,
      payload: () => req.render(pref.channel),
      userId: req.userId,
      opportunityId: req.opportunityId,
      template: req.template,
      locale: req.locale,
    });
    switch (result.outcome) {
      case 'sent':
        return {
          outcome: 'sent',
          channel: pref.channel,
          possiblyDuplicated: result.possiblyDuplicated,
          failures,
        };
      case 'waiting':
        return { outcome: 'waiting', channel: pref.channel, retryInMs: result.retryInMs };
      case 'failed':
        return {
          outcome: 'failed',
          channel: pref.channel,
          detail: result.detail,
          retryInMs: result.retryInMs,
        };
      case 'dead':
        failures.push({ channel: pref.channel, code: result.code, detail: result.detail });
    }
  }
  return { outcome: 'fallback', failures };
}
