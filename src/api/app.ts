// The Express app: thin routers over domain functions and workflow handles.
import type { Client } from '@temporalio/client';
import express, { type Express, type Router } from 'express';
import rateLimit from 'express-rate-limit';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { PrismaClient } from '../db/prisma';
import type { Logger } from '../logger';
import { hashToken } from '../auth/api-tokens';
import { AppError } from '../errors/app-error';
import { healthHandler, type HealthCheck } from './health';
import { addressRateLimit, createAddressLimiter } from './middleware/address-rate-limit';
import { authenticate, bearerToken, refuseTokenInQuery } from './middleware/authenticate';
import { redactUrl } from './middleware/redact-url';
import { createCachedAuthenticator } from '../auth/cached-authenticator';
import { errorHandler, notFoundHandler } from './middleware/errors';
import { createRegistry, generateDocument } from './openapi';
import { createUsersRouter } from './routes/users';
import { createAuthRouter, createPublicAuthRouter, type AuthOptions } from './routes/auth';
import { createAuthPagesRouter } from './routes/auth-pages';
import { createSessionsRouter } from './routes/sessions';
import { createReorganisationAnnouncer } from '../users/users';
import { metricsHandler, observeHttp } from '../observability/http';
import { createMetricsRegistry } from '../observability/metrics';

export interface AppDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  updateTimeoutMs: number;
  logger: Logger;
  publicBaseUrl: string;
  bodyLimit: string;
  rateLimitPerMinute: number;
  /** Failed token checks per client address and minute before it is refused with 429. */
  authFailuresPerMinute: number;
  /** GET /health per client address and minute. */
  healthRateLimitPerMinute: number;
  /** Longest lifetime of an API token issued through the API. */
  tokenMaxTtlDays: number;
  healthChecks: Record<string, HealthCheck>;
  /** Routers that need wiring the app does not own (email actions, web page). */
  extraRouters?: { path: string; router: Router }[];
  /** GET /metrics (only with a token) and request spans (only when tracing is on). */
  observability?: { metricsToken: string | undefined; tracing: boolean };
  /** Routers mounted under /api after authentication, given the OpenAPI registry. */
  apiRouters?: (registry: ReturnType<typeof createRegistry>) => Router[];
  /** Browser sign-in: sessions, cookies, mailed links, failed sign-in limits. */
  auth: AuthOptions;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // Before the request logger: its lines then carry the request's trace id.
  app.use(observeHttp({ tracing: deps.observability?.tracing ?? false }));
  if (deps.observability?.metricsToken) {
    app.get(
      '/metrics',
      metricsHandler({
        token: deps.observability.metricsToken,
        registry: createMetricsRegistry(deps.prisma),
      }),
    );
  }
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'form-action': ["'self'"],
        },
      },
    }),
  );
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // The path of an email-action URL is a capability, and a query string may carry a token
      // (refused, but still logged): log both without it.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
      },
    }),
  );

  app.use(refuseTokenInQuery);

  const authenticator = createCachedAuthenticator(deps.prisma, { sessions: deps.auth.sessions });
  app.get(
    '/health',
    addressRateLimit({ limit: deps.healthRateLimitPerMinute }),
    healthHandler(deps.healthChecks, {
      showDetails: async (req) => {
        const token = bearerToken(req.headers.authorization);
        return token !== undefined && (await authenticator.authenticate(token))?.role === 'admin';
      },
    }),
  );

  const registry = createRegistry();
  const api = express.Router();
  // Nothing under /api may be kept by a browser or proxy: answers carry tokens and deal data.
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Authenticate before reading the body: an anonymous caller gets 401 without the server
  // buffering (or parsing) what it sent.
  const authDeps = {
    prisma: deps.prisma,
    registry,
    authenticator,
    logger: deps.logger,
    bodyLimit: deps.bodyLimit,
    options: deps.auth,
  };
  // Sign-in and the mail requests are what a caller without a session calls.
  api.use(createPublicAuthRouter(authDeps));
  api.use(authenticate(authenticator, createAddressLimiter({ limit: deps.authFailuresPerMinute })));
  api.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Per token, not per address: many users may share one proxy.
      keyGenerator: (req) => req.user?.tokenId ?? hashToken(req.headers.authorization ?? ''),
      handler: (_req, _res, next) => next(new AppError('RATE_LIMITED', 'too many requests; slow down')),
    }),
  );
  api.use(express.json({ limit: deps.bodyLimit, strict: true }));
  // Documentation is data about the API too: it needs a token like every /api call.
  api.get('/openapi.json', (_req, res) => {
    res.json(generateDocument(registry, deps.publicBaseUrl));
  });
  api.use(
    createUsersRouter({
      prisma: deps.prisma,
      registry,
      authenticator,
      tokenMaxTtlDays: deps.tokenMaxTtlDays,
      reorganisations: createReorganisationAnnouncer(deps.temporal, deps.taskQueue),
    }),
  );
  api.use(createAuthRouter(authDeps));
  api.use(createSessionsRouter({ ...authDeps, timeouts: deps.auth.sessions }));
  for (const router of deps.apiRouters?.(registry) ?? []) api.use(router);

  app.use('/api', api);
  app.use('/', createAuthPagesRouter({ ...authDeps, rateLimitPerMinute: deps.auth.pageRateLimitPerMinute }));
  for (const extra of deps.extraRouters ?? []) app.use(extra.path, extra.router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
