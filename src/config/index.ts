// The one place that reads process.env. Every variable has an embedded default, so a fresh
// clone runs with none set; setting one switches that part to the real service.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ImConfigIssue, parseImConfig, type ImConfig, type ImEnv } from './im';
import {
  parseChatCallbacksConfig,
  parseDigestConfig,
  type ChatCallbacksConfig,
  type DigestConfig,
} from './chat-callbacks';
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
  /** Without DATABASE_URL: unset picks PostgreSQL, or PGlite for a DATA_DIR that already holds a PGlite cluster. */
  EMBEDDED_DB: z.enum(['postgres', 'pglite']).optional(),

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
  /** A browser session ends after this long without a request... */
  SESSION_IDLE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  /** ...and this long after sign-in, however active. */
  SESSION_MAX_DAYS: z.coerce.number().positive().max(90).default(14),
  /** Mailed one-time sign-in links. */
  MAGIC_LINK_TTL_MINUTES: z.coerce.number().int().positive().max(60).default(15),
  PASSWORD_RESET_TTL_MINUTES: z.coerce
    .number()
    .int()
    .positive()
    .max(24 * 60)
    .default(30),
  INVITATION_TTL_HOURS: z.coerce
    .number()
    .int()
    .positive()
    .max(24 * 30)
    .default(72),
  /** Failed sign-ins per account, and per client address, in SIGN_IN_FAILURE_WINDOW_MINUTES; then 429. */
  SIGN_IN_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  SIGN_IN_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(30),
  SIGN_IN_FAILURE_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .positive()
    .max(24 * 60)
    .default(15),
  UPDATE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** How long a deal's task waits for the worker that cached it before any worker may take it. */
  TEMPORAL_STICKY_TIMEOUT_MS: z.coerce.number().int().min(1000).default(1_500),
  /**
   * How long a deal's workflow task may run on a worker before the server gives it to another:
   * a task handed to a worker that then froze or died waits this long. Well above a normal task
   * (milliseconds; a cold replay of a long history on a busy 2-core worker, a second or so) and
   * well inside UPDATE_TIMEOUT_MS, so a healthy worker takes over while the API still waits.
   * Set when a deal starts and kept across continue-as-new; running deals keep the old 10 s
   * until they next continue as new.
   */
  TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(4_000),
  /** Deals a worker keeps in memory; unset: the SDK's default from the heap limit. 0: no cache. */
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /**
   * Workflow tasks a worker holds at once; unset: the SDK's 40. They share one JavaScript thread:
   * a CPU-starved worker holding 40 queued them past TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS and redid
   * them (bench:timers, README "Timers at scale"); fewer leave the rest waiting on the server.
   */
  TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  /** TLS to TEMPORAL_ADDRESS (self-hosted cluster, Temporal Cloud); on whenever a TLS file or API key is set. */
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  /** mTLS client certificate and its key (PEM file paths; both or neither). */
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  /** CA that signed the server's certificate (PEM file path); unset: the system's roots. */
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  /** The name the server's certificate carries, when it differs from TEMPORAL_ADDRESS's host. */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Temporal Cloud API key (implies TLS). Never logged. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),

  /** Every process repairs read-model projections no caller finished: how often it looks. */
  READ_MODEL_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  /** A command's projection older than this (and unfinished) is repaired; at least UPDATE_TIMEOUT_MS + 1 s. */
  READ_MODEL_RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(15_000),
  /** Every process sends queued deal events to their accounts (src/customers/deal-events.ts): how often it looks. */
  ACCOUNT_DEAL_EVENTS_INTERVAL_MS: z.coerce.number().int().min(100).default(1_000),

  WEEKLY_REPORT_CRON: z.string().default('0 9 * * MON'),
  WEEKLY_REPORT_TIMEZONE: z.string().default('Asia/Shanghai'),

  /** Bearer token for GET /metrics on the API port; unset, /metrics does not exist (404). */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Worker-only processes (--role=worker): serve the token-guarded /metrics on HOST:METRICS_PORT. */
  METRICS_PORT: port.optional(),
  /** The Temporal SDK's own Prometheus exporter (worker processes), on 127.0.0.1; unset: off. */
  TEMPORAL_METRICS_PORT: port.optional(),
  /** OTLP/HTTP collector base URL (traces go to <url>/v1/traces); unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('psm'),

  /** IM channels (issue 13), parsed by ./im.ts: each app all-or-nothing, secrets without defaults. */
  WECOM_API_BASE_URL: z.string().optional(),
  WECOM_CORP_ID: z.string().optional(),
  WECOM_AGENT_ID: z.string().optional(),
  WECOM_APP_SECRET: z.string().optional(),
  DINGTALK_API_BASE_URL: z.string().optional(),
  DINGTALK_APP_KEY: z.string().optional(),
  DINGTALK_APP_SECRET: z.string().optional(),
  DINGTALK_AGENT_ID: z.string().optional(),
  /** DingTalk interactive cards with callbacks (src/config/im.ts): template id switches them on. */
  DINGTALK_CARD_TEMPLATE_ID: z.string().optional(),
  DINGTALK_ROBOT_CODE: z.string().optional(),
  DINGTALK_CARD_CALLBACK_ROUTE_KEY: z.string().optional(),
  DINGTALK_CARD_API_BASE_URL: z.string().optional(),
  FEISHU_API_BASE_URL: z.string().optional(),
  FEISHU_APP_ID: z.string().optional(),
  FEISHU_APP_SECRET: z.string().optional(),
  /** JSON: robot name -> {channel, key | accessToken+secret | hookId+secret}. */
  IM_ROBOTS: z.string().optional(),
  /** Chat callbacks and the morning digest: src/config/chat-callbacks.ts. */
  WECOM_CALLBACK_TOKEN: z.string().optional(),
  WECOM_CALLBACK_AES_KEY: z.string().optional(),
  FEISHU_VERIFICATION_TOKEN: z.string().optional(),
  FEISHU_ENCRYPT_KEY: z.string().optional(),
  CHAT_CALLBACK_MAX_AGE_SECONDS: z.string().optional(),
  DIGEST_CRON: z.string().optional(),
  DIGEST_TIMEZONE: z.string().optional(),

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
    workflowTaskTimeoutMs: number;
    /** Undefined: the SDK's default from the heap limit. */
    maxCachedWorkflows: number | undefined;
    /** Undefined: the SDK's default (40). */
    maxConcurrentWorkflowTasks: number | undefined;
    /** How to reach TEMPORAL_ADDRESS: TLS (mTLS) and an API key; empty for plain gRPC. */
    security: TemporalSecurity;
  };
  database: {
    url: string | undefined;
    embeddedPort: number;
    embeddedEngine: 'postgres' | 'pglite' | undefined;
  };
  mail: { smtpUrl: string | undefined; tlsRejectUnauthorized: boolean; from: string };
  links: { secret: string | undefined; ttlHours: number; rateLimitPerMinute: number };
  auth: {
    sessionIdleMs: number;
    sessionMaxMs: number;
    /** PUBLIC_BASE_URL is https: cookies get Secure. */
    secureCookies: boolean;
    magicLinkTtlMs: number;
    resetTtlMs: number;
    invitationTtlMs: number;
    failuresPerAccount: number;
    failuresPerAddress: number;
    failureWindowMs: number;
  };
  readModel: { reconcileIntervalMs: number; reconcileGraceMs: number; accountDealEventsIntervalMs: number };
  weeklyReport: { cron: string; timezone: string };
  observability: {
    metricsToken: string | undefined;
    metricsPort: number | undefined;
    temporalMetricsPort: number | undefined;
    otlpEndpoint: string | undefined;
    serviceName: string;
  };
  /** IM apps and group robots; undefined apps are simply not offered as channels. */
  im: ImConfig;
  /** Who may call the chat callbacks (WeCom, Feishu); undefined platforms have no callback. */
  chatCallbacks: ChatCallbacksConfig;
  digest: DigestConfig;
  demoSeed: boolean;
}

/** Connection.connect / NativeConnection.connect options (src/temporal/connect.ts). */
export interface TemporalSecurity {
  tls?: {
    clientCertPair?: { crt: Buffer; key: Buffer };
    serverRootCACertificate?: Buffer;
    serverNameOverride?: string;
  };
  apiKey?: string;
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

/**
 * What `npm run process:preview` reads of a running system: where Temporal and the database are.
 * No secret is needed (it only reads), so this skips the rules loadConfig applies to a full process.
 */
export function loadRunningSystemConfig(source: NodeJS.ProcessEnv = process.env): {
  temporalAddress: string | undefined;
  temporalNamespace: string;
  databaseUrl: string | undefined;
} {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.pick({
    TEMPORAL_ADDRESS: true,
    TEMPORAL_NAMESPACE: true,
    DATABASE_URL: true,
  }).safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  return {
    temporalAddress: parsed.data.TEMPORAL_ADDRESS,
    temporalNamespace: parsed.data.TEMPORAL_NAMESPACE,
    databaseUrl: parsed.data.DATABASE_URL,
  };
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
  if (e.SESSION_IDLE_HOURS > e.SESSION_MAX_DAYS * 24) {
    throw new ConfigError(
      'SESSION_IDLE_HOURS',
      `must not exceed SESSION_MAX_DAYS (${e.SESSION_MAX_DAYS} days)`,
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
      workflowTaskTimeoutMs: e.TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS,
      maxCachedWorkflows: e.TEMPORAL_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTasks: e.TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS,
      security: temporalSecurity(e, root),
    },
    database: { url: e.DATABASE_URL, embeddedPort: e.EMBEDDED_PG_PORT, embeddedEngine: e.EMBEDDED_DB },
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
    auth: {
      sessionIdleMs: e.SESSION_IDLE_HOURS * 3_600_000,
      sessionMaxMs: e.SESSION_MAX_DAYS * 86_400_000,
      secureCookies: (e.PUBLIC_BASE_URL ?? '').startsWith('https:'),
      magicLinkTtlMs: e.MAGIC_LINK_TTL_MINUTES * 60_000,
      resetTtlMs: e.PASSWORD_RESET_TTL_MINUTES * 60_000,
      invitationTtlMs: e.INVITATION_TTL_HOURS * 3_600_000,
      failuresPerAccount: e.SIGN_IN_FAILURES_PER_ACCOUNT,
      failuresPerAddress: e.SIGN_IN_FAILURES_PER_ADDRESS,
      failureWindowMs: e.SIGN_IN_FAILURE_WINDOW_MINUTES * 60_000,
    },
    readModel: {
      reconcileIntervalMs: e.READ_MODEL_RECONCILE_INTERVAL_MS,
      reconcileGraceMs: e.READ_MODEL_RECONCILE_GRACE_MS,
      accountDealEventsIntervalMs: e.ACCOUNT_DEAL_EVENTS_INTERVAL_MS,
    },
    weeklyReport: { cron: e.WEEKLY_REPORT_CRON, timezone: e.WEEKLY_REPORT_TIMEZONE },
    observability: {
      metricsToken: e.METRICS_TOKEN,
      metricsPort: e.METRICS_PORT,
      temporalMetricsPort: e.TEMPORAL_METRICS_PORT,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: e.OTEL_SERVICE_NAME,
    },
    im: imConfig(e),
    chatCallbacks: imConfig(e, parseChatCallbacksConfig),
    digest: imConfig(e, parseDigestConfig),
    demoSeed: e.DEMO_SEED === undefined ? e.DATABASE_URL === undefined : e.DEMO_SEED === 'true',
  };
}

function imConfig<T = ImConfig>(e: ImEnv, parse: (env: ImEnv) => T = parseImConfig as (env: ImEnv) => T): T {
  try {
    return parse(e);
  } catch (err) {
    if (err instanceof ImConfigIssue) throw new ConfigError(err.variable, err.reason);
    throw err;
  }
}

/** A PEM file the operator named: it must exist, be readable and hold PEM. */
function readPem(variable: string, file: string, root: string): Buffer {
  let pem: Buffer;
  try {
    pem = fs.readFileSync(path.resolve(root, file));
  } catch (err) {
    throw new ConfigError(variable, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!pem.toString('latin1').includes('-----BEGIN ')) {
    throw new ConfigError(variable, `${file} is not a PEM file (no -----BEGIN line)`);
  }
  return pem;
}

function temporalSecurity(e: Env, root: string): TemporalSecurity {
  if (e.TEMPORAL_TLS_CERT !== undefined && e.TEMPORAL_TLS_KEY === undefined)
    throw new ConfigError(
      'TEMPORAL_TLS_KEY',
      "is required with TEMPORAL_TLS_CERT (the client certificate's key)",
    );
  if (e.TEMPORAL_TLS_KEY !== undefined && e.TEMPORAL_TLS_CERT === undefined)
    throw new ConfigError('TEMPORAL_TLS_CERT', 'is required with TEMPORAL_TLS_KEY (the client certificate)');
  const wantsTls =
    e.TEMPORAL_TLS_CERT !== undefined ||
    e.TEMPORAL_TLS_CA !== undefined ||
    e.TEMPORAL_TLS_SERVER_NAME !== undefined ||
    e.TEMPORAL_API_KEY !== undefined;
  if (e.TEMPORAL_TLS === 'false' && wantsTls) {
    const cause = e.TEMPORAL_API_KEY !== undefined ? 'an API key' : 'TEMPORAL_TLS_* files';
    throw new ConfigError('TEMPORAL_TLS', `is false, but ${cause} need TLS`);
  }
  if (!wantsTls && e.TEMPORAL_TLS !== 'true') return {};
  if (e.TEMPORAL_ADDRESS === undefined) {
    const variable =
      e.TEMPORAL_API_KEY !== undefined
        ? 'TEMPORAL_API_KEY'
        : e.TEMPORAL_TLS_CERT !== undefined
          ? 'TEMPORAL_TLS_CERT'
          : 'TEMPORAL_TLS';
    throw new ConfigError(variable, 'needs TEMPORAL_ADDRESS (the embedded dev server speaks plain gRPC)');
  }
  const tls: NonNullable<TemporalSecurity['tls']> = {};
  if (e.TEMPORAL_TLS_CERT !== undefined && e.TEMPORAL_TLS_KEY !== undefined) {
    tls.clientCertPair = {
      crt: readPem('TEMPORAL_TLS_CERT', e.TEMPORAL_TLS_CERT, root),
      key: readPem('TEMPORAL_TLS_KEY', e.TEMPORAL_TLS_KEY, root),
    };
  }
  if (e.TEMPORAL_TLS_CA !== undefined)
    tls.serverRootCACertificate = readPem('TEMPORAL_TLS_CA', e.TEMPORAL_TLS_CA, root);
  if (e.TEMPORAL_TLS_SERVER_NAME !== undefined) tls.serverNameOverride = e.TEMPORAL_TLS_SERVER_NAME;
  // The key and the API key must never reach a log, even if someone logs the config.
  if (tls.clientCertPair) Object.defineProperty(tls.clientCertPair, 'key', { enumerable: false });
  const security: TemporalSecurity = { tls };
  if (e.TEMPORAL_API_KEY !== undefined)
    Object.defineProperty(security, 'apiKey', { value: e.TEMPORAL_API_KEY, enumerable: false });
  return security;
}
