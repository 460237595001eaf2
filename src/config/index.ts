// The one place that reads process.env. Every variable has an embedded default, so a fresh
// clone runs with none set; setting one switches that part to the real service.
import path from 'node:path';
import { z } from 'zod';
import { linkSecretWeakness } from './secret-strength';

const port = z.coerce.number().int().min(1).max(65535);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_BASE_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('psm-opportunities'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  EMBEDDED_PG_PORT: port.default(5433),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_TLS_REJECT_UNAUTHORIZED: z.enum(['true', 'false']).default('true'),
  MAIL_FROM: z.string().min(3).default('PSM <psm@localhost>'),

  /**
   * Signs one-click email links. Required with DATABASE_URL (the api and the worker must share
   * it); without both, a random secret is kept in DATA_DIR. Weak or published values are refused.
   */
  LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LINK_TTL_HOURS: z.coerce.number().positive().default(72),
  /** Requests to the one-click link pages per client address and minute, then 429. */
  LINK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(30),

  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  API_BODY_LIMIT: z.string().default('100kb'),
  /** Failed token checks per client address and minute before it gets 429 (token guessing). */
  API_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** GET /health per client address and minute. */
  HEALTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Longest API token lifetime; longer or never-expiring tokens are refused. */
  API_TOKEN_MAX_TTL_DAYS: z.coerce.number().int().positive().max(3650).default(90),
  UPDATE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** How long a deal's task waits for the worker that cached it before any worker may take it. */
  TEMPORAL_STICKY_TIMEOUT_MS: z.coerce.number().int().min(1000).default(1_500),

  /** Every process repairs read-model projections no caller finished: how often it looks. */
  READ_MODEL_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  /** A command's projection older than this (and unfinished) is repaired; at least UPDATE_TIMEOUT_MS + 1 s. */
  READ_MODEL_RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(15_000),

  WEEKLY_REPORT_CRON: z.string().default('0 9 * * MON'),
  WEEKLY_REPORT_TIMEZONE: z.string().default('Asia/Shanghai'),

  /** Unset: on for the embedded database only, never for a real DATABASE_URL. */
  DEMO_SEED: z.enum(['true', 'false']).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  http: {
    host: string;
    port: number;
    publicBaseUrl: string;
    bodyLimit: string;
    rateLimitPerMinute: number;
    authFailuresPerMinute: number;
    healthRateLimitPerMinute: number;
    tokenMaxTtlDays: number;
  };
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  temporal: {
    /** Undefined: start the embedded dev server. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    devPort: number;
    uiPort: number;
    cliPath: string;
    updateTimeoutMs: number;
    stickyTimeoutMs: number;
  };
  database: { url: string | undefined; embeddedPort: number };
  mail: { smtpUrl: string | undefined; tlsRejectUnauthorized: boolean; from: string };
  links: { secret: string | undefined; ttlHours: number; rateLimitPerMinute: number };
  readModel: { reconcileIntervalMs: number; reconcileGraceMs: number };
  weeklyReport: { cron: string; timezone: string };
  demoSeed: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  const generate = 'generate one with: openssl rand -base64 32';
  if (e.LINK_SECRET !== undefined) {
    const weakness = linkSecretWeakness(e.LINK_SECRET);
    if (weakness) throw new ConfigError('LINK_SECRET', `${weakness}; ${generate}`);
  } else if (e.DATABASE_URL !== undefined) {
    throw new ConfigError(
      'LINK_SECRET',
      `is required with DATABASE_URL (api and worker share it); ${generate}`,
    );
  }
  const root = process.cwd();
  const dataDir = path.resolve(root, e.DATA_DIR);
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicBaseUrl: (
        e.PUBLIC_BASE_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`
      ).replace(/\/$/, ''),
      bodyLimit: e.API_BODY_LIMIT,
      rateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
      authFailuresPerMinute: e.API_AUTH_FAILURES_PER_MINUTE,
      healthRateLimitPerMinute: e.HEALTH_RATE_LIMIT_PER_MINUTE,
      tokenMaxTtlDays: e.API_TOKEN_MAX_TTL_DAYS,
    },
    dataDir,
    logLevel: e.LOG_LEVEL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      cliPath: e.TEMPORAL_CLI_PATH ?? path.resolve(root, '.tools/venv/bin/temporal'),
      updateTimeoutMs: e.UPDATE_TIMEOUT_MS,
      stickyTimeoutMs: e.TEMPORAL_STICKY_TIMEOUT_MS,
    },
    database: { url: e.DATABASE_URL, embeddedPort: e.EMBEDDED_PG_PORT },
    mail: {
      smtpUrl: e.SMTP_URL,
      tlsRejectUnauthorized: e.SMTP_TLS_REJECT_UNAUTHORIZED === 'true',
      from: e.MAIL_FROM,
    },
    links: {
      secret: e.LINK_SECRET,
      ttlHours: e.LINK_TTL_HOURS,
      rateLimitPerMinute: e.LINK_RATE_LIMIT_PER_MINUTE,
    },
    readModel: {
      reconcileIntervalMs: e.READ_MODEL_RECONCILE_INTERVAL_MS,
      reconcileGraceMs: e.READ_MODEL_RECONCILE_GRACE_MS,
    },
    weeklyReport: { cron: e.WEEKLY_REPORT_CRON, timezone: e.WEEKLY_REPORT_TIMEZONE },
    demoSeed: e.DEMO_SEED === undefined ? e.DATABASE_URL === undefined : e.DEMO_SEED === 'true',
  };
}
