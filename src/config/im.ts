// IM platform settings (issue 13): WeCom, DingTalk and Feishu apps, and named group robots.
// Each app is all-or-nothing (a corp id without its secret is refused at start, naming the missing
// variable); secrets have no default and are kept out of every log line (see src/logger.ts redact
// and test/notify/secrets-not-logged.test.ts). Base URLs default to the platforms' hosts and are
// overridable so tests point them at local servers (test/support/im/*).
import { z } from 'zod';

export interface WeComAppConfig {
  baseUrl: string;
  corpId: string;
  agentId: number;
  secret: string;
}
export interface DingTalkAppConfig {
  baseUrl: string;
  appKey: string;
  appSecret: string;
  agentId: number;
  /**
   * Interactive cards with callbacks (api.dingtalk.com /v1.0/im/interactiveCards, H9): set when
   * DINGTALK_CARD_TEMPLATE_ID is; otherwise approval cards go as work-notification action_cards.
   */
  cards?: DingTalkCardsConfig;
}
export interface DingTalkCardsConfig {
  /** New-style API host, default https://api.dingtalk.com (DINGTALK_CARD_API_BASE_URL). */
  apiBaseUrl: string;
  /** The card template built in DingTalk's card platform (卡片搭建平台). */
  templateId: string;
  /** The app's robot code; for an internal app it is the app key (DINGTALK_ROBOT_CODE). */
  robotCode: string;
  /** The callback route registered for /chat-callbacks/dingtalk (DINGTALK_CARD_CALLBACK_ROUTE_KEY). */
  callbackRouteKey: string | undefined;
}
export interface FeishuAppConfig {
  baseUrl: string;
  appId: string;
  appSecret: string;
}

/** A group robot. The webhook credential and signing secret live only here, never in the database. */
export type RobotConfig =
  | { channel: 'wecom_robot'; baseUrl: string; key: string }
  | { channel: 'dingtalk_robot'; baseUrl: string; accessToken: string; secret: string }
  | { channel: 'feishu_robot'; baseUrl: string; hookId: string; secret: string };

export interface ImConfig {
  wecom: WeComAppConfig | undefined;
  dingtalk: DingTalkAppConfig | undefined;
  feishu: FeishuAppConfig | undefined;
  robots: Readonly<Record<string, RobotConfig>>;
}

export const IM_DEFAULT_BASE_URLS = {
  wecom: 'https://qyapi.weixin.qq.com',
  dingtalk: 'https://oapi.dingtalk.com',
  feishu: 'https://open.feishu.cn',
} as const;

/** Raised for a bad IM variable; src/config/index.ts turns it into its ConfigError. */
export class ImConfigIssue extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
}

export type ImEnv = Partial<
  Record<
    | 'WECOM_API_BASE_URL'
    | 'WECOM_CORP_ID'
    | 'WECOM_AGENT_ID'
    | 'WECOM_APP_SECRET'
    | 'DINGTALK_API_BASE_URL'
    | 'DINGTALK_APP_KEY'
    | 'DINGTALK_APP_SECRET'
    | 'DINGTALK_AGENT_ID'
    | 'DINGTALK_CARD_TEMPLATE_ID'
    | 'DINGTALK_ROBOT_CODE'
    | 'DINGTALK_CARD_CALLBACK_ROUTE_KEY'
    | 'DINGTALK_CARD_API_BASE_URL'
    | 'FEISHU_API_BASE_URL'
    | 'FEISHU_APP_ID'
    | 'FEISHU_APP_SECRET'
    | 'IM_ROBOTS',
    string
  >
>;

const ROBOT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const ZRobotSchema = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('wecom_robot'), key: z.string().min(8) }).strict(),
  z
    .object({
      channel: z.literal('dingtalk_robot'),
      accessToken: z.string().min(8),
      // DingTalk shows the signing secret as "SEC…"; we always sign (加签), never keyword-only robots.
      secret: z.string().min(8),
    })
    .strict(),
  z
    .object({ channel: z.literal('feishu_robot'), hookId: z.string().min(8), secret: z.string().min(8) })
    .strict(),
]);

function baseUrl(value: string | undefined, variable: string, fallback: string): string {
  const url = value ?? fallback;
  if (!z.url({ protocol: /^https?$/ }).safeParse(url).success)
    throw new ImConfigIssue(variable, 'must be an http(s) URL');
  return url.replace(/\/+$/, '');
}

function agentId(value: string, variable: string): number {
  if (!/^\d{1,12}$/.test(value)) throw new ImConfigIssue(variable, 'must be a number');
  return Number(value);
}

/** All of the group's variables, or none of them. */
function group<K extends keyof ImEnv>(env: ImEnv, names: readonly K[]): Record<K, string> | undefined {
  const set = names.filter((n) => env[n] !== undefined);
  if (set.length === 0) return undefined;
  const missing = names.find((n) => env[n] === undefined);
  if (missing)
    throw new ImConfigIssue(missing, `is required with ${set.join(', ')} (no default for IM credentials)`);
  return Object.fromEntries(names.map((n) => [n, env[n]!])) as Record<K, string>;
}

/** Secrets stay readable but out of JSON.stringify, util.inspect and pino: non-enumerable. */
function hide<T extends object>(value: T, ...keys: (keyof T)[]): T {
  for (const key of keys) Object.defineProperty(value, key, { value: value[key], enumerable: false });
  return value;
}

export function parseImConfig(env: ImEnv): ImConfig {
  const urls = {
    wecom: baseUrl(env.WECOM_API_BASE_URL, 'WECOM_API_BASE_URL', IM_DEFAULT_BASE_URLS.wecom),
    dingtalk: baseUrl(env.DINGTALK_API_BASE_URL, 'DINGTALK_API_BASE_URL', IM_DEFAULT_BASE_URLS.dingtalk),
    feishu: baseUrl(env.FEISHU_API_BASE_URL, 'FEISHU_API_BASE_URL', IM_DEFAULT_BASE_URLS.feishu),
  };
  const w = group(env, ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_APP_SECRET'] as const);
  const d = group(env, ['DINGTALK_APP_KEY', 'DINGTALK_APP_SECRET', 'DINGTALK_AGENT_ID'] as const);
  const f = group(env, ['FEISHU_APP_ID', 'FEISHU_APP_SECRET'] as const);
  return {
    wecom:
      w &&
      hide<WeComAppConfig>(
        {
          baseUrl: urls.wecom,
          corpId: w.WECOM_CORP_ID,
          agentId: agentId(w.WECOM_AGENT_ID, 'WECOM_AGENT_ID'),
          secret: w.WECOM_APP_SECRET,
        },
        'secret',
      ),
    dingtalk:
      d &&
      hide<DingTalkAppConfig>(
        {
          baseUrl: urls.dingtalk,
          appKey: d.DINGTALK_APP_KEY,
          appSecret: d.DINGTALK_APP_SECRET,
          agentId: agentId(d.DINGTALK_AGENT_ID, 'DINGTALK_AGENT_ID'),
          ...dingTalkCards(env, d.DINGTALK_APP_KEY),
        },
        'appSecret',
      ),
    feishu:
      f &&
      hide<FeishuAppConfig>(
        { baseUrl: urls.feishu, appId: f.FEISHU_APP_ID, appSecret: f.FEISHU_APP_SECRET },
        'appSecret',
      ),
    robots: parseRobots(env.IM_ROBOTS, urls),
  };
}

function dingTalkCards(env: ImEnv, appKey: string): { cards?: DingTalkCardsConfig } {
  const templateId = env.DINGTALK_CARD_TEMPLATE_ID;
  if (templateId === undefined) {
    for (const v of ['DINGTALK_ROBOT_CODE', 'DINGTALK_CARD_CALLBACK_ROUTE_KEY'] as const)
      if (env[v] !== undefined) throw new ImConfigIssue(v, 'needs DINGTALK_CARD_TEMPLATE_ID');
    return {};
  }
  if (!/^[\w.-]{1,128}$/.test(templateId))
    throw new ImConfigIssue('DINGTALK_CARD_TEMPLATE_ID', 'must be the template id of the card platform');
  return {
    cards: {
      apiBaseUrl: baseUrl(
        env.DINGTALK_CARD_API_BASE_URL,
        'DINGTALK_CARD_API_BASE_URL',
        'https://api.dingtalk.com',
      ),
      templateId,
      robotCode: env.DINGTALK_ROBOT_CODE ?? appKey,
      callbackRouteKey: env.DINGTALK_CARD_CALLBACK_ROUTE_KEY,
    },
  };
}

/** IM_ROBOTS='{"east":{"channel":"dingtalk_robot","accessToken":"…","secret":"SEC…"},…}' */
function parseRobots(
  raw: string | undefined,
  urls: { wecom: string; dingtalk: string; feishu: string },
): Record<string, RobotConfig> {
  if (raw === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // Never echo the value: it holds secrets.
    throw new ImConfigIssue('IM_ROBOTS', 'must be a JSON object of robot name -> robot');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ImConfigIssue('IM_ROBOTS', 'must be a JSON object of robot name -> robot');
  const robots: Record<string, RobotConfig> = {};
  for (const [name, value] of Object.entries(json)) {
    if (!ROBOT_NAME.test(name))
      throw new ImConfigIssue('IM_ROBOTS', `robot name "${name.slice(0, 64)}" must match ${ROBOT_NAME}`);
    const parsed = ZRobotSchema.safeParse(value);
    if (!parsed.success) {
      // Paths and messages only, never the values.
      const issue = parsed.error.issues[0]!;
      throw new ImConfigIssue(
        'IM_ROBOTS',
        `robot "${name}": ${issue.path.join('.') || 'value'} ${issue.message}`,
      );
    }
    const r = parsed.data;
    robots[name] =
      r.channel === 'wecom_robot'
        ? hide<RobotConfig & { channel: 'wecom_robot' }>({ ...r, baseUrl: urls.wecom }, 'key')
        : r.channel === 'dingtalk_robot'
          ? hide<RobotConfig & { channel: 'dingtalk_robot' }>(
              { ...r, baseUrl: urls.dingtalk },
              'accessToken',
              'secret',
            )
          : hide<RobotConfig & { channel: 'feishu_robot' }>(
              { ...r, baseUrl: urls.feishu },
              'hookId',
              'secret',
            );
  }
  return robots;
}
