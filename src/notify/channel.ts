// The notification channel contract: what every IM platform client implements, and what the
// idempotent, rate-limited delivery layer (src/notify/deliver.ts) and its callers (the
// sendNotification activity, H6's approval cards and morning digest) hand to it.
//
// A client only talks to its platform: one HTTP request per send, with its access token or robot
// signature. It never retries and never decides about duplicates; the delivery layer does that
// with a ChannelDelivery row per (idempotency key, channel, recipient) and a claimed ChannelPost
// per request to the platform.

/** App messages to one member, or a post through a group robot. Email is not a channel here: it is the fallback. */
export const CHANNEL_KINDS = [
  'wecom_app',
  'wecom_robot',
  'dingtalk_app',
  'dingtalk_robot',
  'feishu_app',
  'feishu_robot',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export type Platform = 'wecom' | 'dingtalk' | 'feishu';

export function platformOf(channel: ChannelKind): Platform {
  return channel.slice(0, channel.indexOf('_')) as Platform;
}

export function isRobotChannel(channel: ChannelKind): boolean {
  return channel.endsWith('_robot');
}

/** Who receives it on the platform. */
export type ChannelTarget =
  /** App message to one member: WeCom userid, DingTalk userid, Feishu open_id. */
  | { kind: 'user'; platformUserId: string }
  /**
   * A group robot by its name in IM_ROBOTS (config holds the webhook and its signing secret; the
   * database and the API only name it). `mention` are platform user ids to @ in the group.
   */
  | { kind: 'robot'; robot: string; mention?: string[] };

/**
 * What to post. `markdown` uses the subset the three platforms share (**bold**, [text](url), one
 * fact per line); the client wraps it in the platform's own message type (WeCom markdown,
 * DingTalk markdown, Feishu interactive card with a markdown element). `card` carries a
 * platform-native card body built for exactly this channel (H6: WeCom `template_card`, DingTalk
 * `action_card`/interactive card, Feishu `interactive` card JSON) and a markdown fallback used
 * when cards cannot be merged or sent.
 */
export type ChannelPayload =
  | { type: 'text'; text: string }
  | { type: 'markdown'; title: string; markdown: string; url?: string }
  | { type: 'card'; title: string; card: Record<string, unknown>; fallbackMarkdown: string };

export interface ChannelMessage {
  target: ChannelTarget;
  payload: ChannelPayload;
  /**
   * Stable per post (the ChannelPost id): handed to platforms that deduplicate on it (Feishu
   * `uuid`), never relied on alone.
   */
  idempotencyKey: string;
}

/** Why a platform will never accept this message (for this recipient, with this configuration). */
export type ChannelFailureCode =
  /** The platform does not know the member (WeCom 60111/81013, DingTalk 33012, Feishu 230013/99992361). */
  | 'unknown_recipient'
  /** The app or robot was removed, disabled or lost its permission (WeCom 60020/301002, Feishu 230006...). */
  | 'app_revoked'
  /** Our secrets are wrong (WeCom 40001/40013/40056, DingTalk 40089/40014, robot signature refused). */
  | 'bad_credentials'
  /** The platform refused the message body itself (too long, malformed). */
  | 'bad_payload'
  /** The channel is not configured here (no corp id / app key / robot of that name). */
  | 'not_configured';

export type ChannelRefusal = Exclude<ChannelSendResult, { outcome: 'sent' }>;

export type ChannelSendResult =
  | { outcome: 'sent'; platformMessageId: string | null }
  /** Never retried: the delivery is dead-lettered, journalled and the next channel (finally email) is used. */
  | { outcome: 'permanent'; code: ChannelFailureCode; detail: string }
  /** Retried later (network, 5xx, busy, rate limited by the platform, token expired): retryAfterMs when the platform says. */
  | { outcome: 'transient'; detail: string; retryAfterMs?: number };

export interface ChannelClient {
  readonly channel: ChannelKind;
  /** One request to the platform. Never throws for platform answers; throws only for programming errors. */
  send(message: ChannelMessage): Promise<ChannelSendResult>;
}

export type ChannelClients = Partial<Record<ChannelKind, ChannelClient>>;
