// The target checks every platform client makes before it sends: an app client sends to one
// member, a robot client posts through a group robot named in IM_ROBOTS of its own platform. Both
// turn a network failure into a transient result (transientOnNetwork).
import type { RobotConfig } from '../../config/im';
import type { ChannelMessage, ChannelSendResult } from '../channel';
import { transientOnNetwork } from './common';

type AppChannel = 'wecom_app' | 'dingtalk_app' | 'feishu_app';
type RobotChannel = RobotConfig['channel'];

/** An app client's send: a robot target is refused as a bad payload. */
export function appSend(
  channel: AppChannel,
  send: (message: ChannelMessage, platformUserId: string) => Promise<ChannelSendResult>,
): (message: ChannelMessage) => Promise<ChannelSendResult> {
  return (message) =>
    transientOnNetwork(async () => {
      if (message.target.kind !== 'user')
        return {
          outcome: 'permanent',
          code: 'bad_payload',
          detail: `${channel} sends to a member, not a robot`,
        };
      return send(message, message.target.platformUserId);
    });
}

/** A robot client's send: a member target is a bad payload, a robot not of this platform not configured. */
export function robotSend<C extends RobotChannel>(
  channel: C,
  /** The platform's name in details, e.g. 'WeCom'. */
  platform: string,
  robots: Readonly<Record<string, RobotConfig>>,
  send: (
    message: ChannelMessage,
    robot: Extract<RobotConfig, { channel: C }>,
    mention: string[],
  ) => Promise<ChannelSendResult>,
): (message: ChannelMessage) => Promise<ChannelSendResult> {
  return (message) =>
    transientOnNetwork(async () => {
      if (message.target.kind !== 'robot')
        return { outcome: 'permanent', code: 'bad_payload', detail: `${channel} posts through a robot` };
      const robot = robots[message.target.robot];
      if (!robot || robot.channel !== channel)
        return {
          outcome: 'permanent',
          code: 'not_configured',
          detail: `no ${platform} robot named ${message.target.robot}`,
        };
      return send(message, robot as Extract<RobotConfig, { channel: C }>, message.target.mention ?? []);
    });
}
