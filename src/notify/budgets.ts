// How many posts one recipient may get per window, per channel. The platforms' own limits are
// the floor we design to, not something we discover by being throttled: WeCom silently drops app
// messages beyond 30/min or 1,000/hour to one member, DingTalk robots refuse beyond 20/min (and
// block for 10 minutes), Feishu allows 5/s per user and 100/min per custom robot. What does not
// fit waits in the recipient's queue and goes out merged into one digest post.
import type { ChannelKind } from './channel';

export interface BudgetWindow {
  ms: number;
  max: number;
}

export type ChannelBudgets = Record<ChannelKind, BudgetWindow[]>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const PLATFORM_BUDGETS: ChannelBudgets = {
  // https://developer.work.weixin.qq.com/document/path/90236 (每应用对同一个成员不可超过30次/分，1000次/小时，超过部分会被丢弃)
  wecom_app: [
    { ms: MINUTE, max: 30 },
    { ms: HOUR, max: 1_000 },
  ],
  // https://developer.work.weixin.qq.com/document/path/91770 (每个机器人发送的消息不能超过20条/分钟)
  wecom_robot: [{ ms: MINUTE, max: 20 }],
  // DingTalk work notifications: 500 per member per day for an internal app; our own 30/min keeps bursts digestible.
  dingtalk_app: [
    { ms: MINUTE, max: 30 },
    { ms: DAY, max: 500 },
  ],
  // https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages (每个机器人每分钟最多发送20条)
  dingtalk_robot: [{ ms: MINUTE, max: 20 }],
  // https://open.feishu.cn/document/server-docs/im-v1/message/create (向同一用户发送消息的限频为 5 QPS)
  feishu_app: [
    { ms: 1_000, max: 5 },
    { ms: MINUTE, max: 30 },
  ],
  // https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (自定义机器人 100 次/分钟，5 次/秒)
  feishu_robot: [
    { ms: 1_000, max: 5 },
    { ms: MINUTE, max: 100 },
  ],
};

/** How many bytes of markdown one post may carry on each channel (what a merged digest packs). */
export const POST_MARKDOWN_BYTES: Record<ChannelKind, number> = {
  wecom_app: 1_900,
  wecom_robot: 3_900,
  dingtalk_app: 1_600,
  dingtalk_robot: 16_000,
  feishu_app: 20_000,
  feishu_robot: 18_000,
};
