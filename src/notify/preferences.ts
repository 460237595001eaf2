// Who receives notifications where: a user's ordered IM channels (set by the user themself or an
// admin) and the group robot of a manager's line (set by that manager, anyone above them, or an
// admin). Robots are named from configuration (IM_ROBOTS): their webhooks and secrets never pass
// through the API or the database.
import { z } from 'zod';
import { subtreeUserIds, type Actor } from '../auth/reporting-line';
import type { ImConfig } from '../config/im';
import type { PrismaClient } from '../db/prisma';
import { AppError } from '../errors/app-error';
import { CHANNEL_KINDS, isRobotChannel, type ChannelKind } from './channel';

export const ZChannelKindSchema = z.enum(CHANNEL_KINDS);
const ROBOT_KINDS = CHANNEL_KINDS.filter(isRobotChannel) as ['wecom_robot', 'dingtalk_robot', 'feishu_robot'];

export const ZUserChannelSchema = z.object({
  channel: ZChannelKindSchema,
  /** WeCom userid, DingTalk userid or Feishu open_id (for a robot channel: whom to @ in the group). */
  platformUserId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
});
export const ZUserChannelsSchema = z.object({
  /** In order of preference; email is always the last resort and is not listed. */
  channels: z
    .array(ZUserChannelSchema)
    .max(CHANNEL_KINDS.length)
    .refine((cs) => new Set(cs.map((c) => c.channel)).size === cs.length, 'each channel at most once'),
});
export const ZTeamRobotSchema = z.object({
  channel: z.enum(ROBOT_KINDS),
  /** A robot name from IM_ROBOTS. */
  robot: z.string().min(1).max(64),
});
export const ZTeamRobotsSchema = z.object({
  robots: z
    .array(ZTeamRobotSchema)
    .max(ROBOT_KINDS.length)
    .refine((rs) => new Set(rs.map((r) => r.channel)).size === rs.length, 'each robot channel at most once'),
});
export const ZChannelOptionsSchema = z.object({
  /** Channels this server is configured for (others are accepted as preferences but skipped). */
  channels: z.array(ZChannelKindSchema),
  robots: z.array(z.object({ name: z.string(), channel: z.enum(ROBOT_KINDS) })),
});

export type TUserChannels = z.infer<typeof ZUserChannelsSchema>;
export type TTeamRobots = z.infer<typeof ZTeamRobotsSchema>;

export function channelOptions(im: ImConfig): z.infer<typeof ZChannelOptionsSchema> {
  const robots = Object.entries(im.robots).map(([name, r]) => ({ name, channel: r.channel }));
  const channels: ChannelKind[] = [
    ...(im.wecom ? (['wecom_app'] as const) : []),
    ...(im.dingtalk ? (['dingtalk_app'] as const) : []),
    ...(im.feishu ? (['feishu_app'] as const) : []),
    ...ROBOT_KINDS.filter((k) => robots.some((r) => r.channel === k)),
  ];
  return { channels, robots };
}

async function existingUser(prisma: PrismaClient, id: string): Promise<{ id: string; role: string }> {
  const user = await prisma.user.findUnique({ where: { id }, select: { id: true, role: true } });
  if (!user) throw new AppError('NOT_FOUND', `user ${id} does not exist`);
  return user;
}

async function inLineOf(prisma: PrismaClient, actor: Actor, userId: string): Promise<boolean> {
  if (actor.role === 'admin' || actor.id === userId) return true;
  if (actor.role === 'rep') return false;
  return (await subtreeUserIds(prisma, actor.id)).includes(userId);
}

export async function getUserChannels(opts: {
  prisma: PrismaClient;
  actor: Actor;
  userId: string;
}): Promise<TUserChannels> {
  await existingUser(opts.prisma, opts.userId);
  if (!(await inLineOf(opts.prisma, opts.actor, opts.userId)))
    throw new AppError(
      'FORBIDDEN',
      "only the user, someone above them in their line or an admin may see a user's channels",
    );
  const rows = await opts.prisma.userChannel.findMany({
    where: { userId: opts.userId },
    orderBy: { position: 'asc' },
  });
  return { channels: rows.map((r) => ({ channel: r.channel, platformUserId: r.platformUserId })) };
}

/** Replaces the whole ordered list in one transaction (no partial write). */
export async function setUserChannels(opts: {
  prisma: PrismaClient;
  actor: Actor;
  userId: string;
  channels: TUserChannels;
}): Promise<TUserChannels> {
  await existingUser(opts.prisma, opts.userId);
  if (opts.actor.role !== 'admin' && opts.actor.id !== opts.userId)
    throw new AppError('FORBIDDEN', 'only the user themself or an admin may set their channels');
  await opts.prisma.$transaction([
    opts.prisma.userChannel.deleteMany({ where: { userId: opts.userId } }),
    opts.prisma.userChannel.createMany({
      data: opts.channels.channels.map((c, position) => ({ userId: opts.userId, position, ...c })),
    }),
  ]);
  return getUserChannels({
    prisma: opts.prisma,
    actor: { id: opts.userId, role: 'rep' },
    userId: opts.userId,
  });
}

async function requireLineManager(opts: {
  prisma: PrismaClient;
  actor: Actor;
  managerId: string;
}): Promise<void> {
  const subject = await existingUser(opts.prisma, opts.managerId);
  const allowed =
    opts.actor.role === 'admin' ||
    (opts.actor.role !== 'rep' && (await inLineOf(opts.prisma, opts.actor, opts.managerId)));
  if (!allowed)
    throw new AppError(
      'FORBIDDEN',
      "only the line's manager, someone above them or an admin may manage its team robots",
    );
  if (subject.role === 'rep')
    throw new AppError(
      'RULE_REFUSED',
      'team robots belong to a line: set them on its manager, not on a rep',
      {
        rule: 'team_robot_on_manager',
      },
    );
}

export async function getTeamRobots(opts: {
  prisma: PrismaClient;
  actor: Actor;
  managerId: string;
}): Promise<TTeamRobots> {
  await requireLineManager(opts);
  const rows = await opts.prisma.teamRobot.findMany({
    where: { managerId: opts.managerId },
    orderBy: { channel: 'asc' },
  });
  return {
    robots: rows.map((r) => ({
      channel: r.channel as TTeamRobots['robots'][number]['channel'],
      robot: r.robot,
    })),
  };
}

export async function setTeamRobots(opts: {
  prisma: PrismaClient;
  actor: Actor;
  managerId: string;
  robots: TTeamRobots;
  im: ImConfig;
}): Promise<TTeamRobots> {
  await requireLineManager(opts);
  for (const [index, r] of opts.robots.robots.entries()) {
    const configured = opts.im.robots[r.robot];
    if (!configured || configured.channel !== r.channel)
      throw new AppError('INVALID_INPUT', `no ${r.channel} named "${r.robot}" is configured (IM_ROBOTS)`, {
        issues: [{ path: ['robots', index, 'robot'], message: 'unknown robot for this channel' }],
      });
  }
  await opts.prisma.$transaction([
    opts.prisma.teamRobot.deleteMany({ where: { managerId: opts.managerId } }),
    opts.prisma.teamRobot.createMany({
      data: opts.robots.robots.map((r) => ({ managerId: opts.managerId, ...r })),
    }),
  ]);
  return getTeamRobots({
    prisma: opts.prisma,
    actor: { id: opts.managerId, role: 'admin' },
    managerId: opts.managerId,
  });
}
