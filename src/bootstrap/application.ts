// Starts the parts in dependency order and stops them in reverse. Every failure at start-up
// stops what was already started and surfaces as one clear line (see main.ts).
import type { Server } from 'node:http';
import type { Worker } from '@temporalio/worker';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createActivities } from '../../activities';
import { createApp } from '../api/app';
import { createActionLinks, resolveLinkSecret } from '../links';
import { createMailTransport } from '../mail/transport';
import { connectWorker } from '../temporal/connect';
import { installTemporalRuntime } from '../temporal/runtime';
import { createWorker } from '../temporal/worker';
import { ensureWeeklyReportSchedule } from '../reports/weekly/weekly-report-schedule';
import { ensureMorningDigestSchedule } from '../notify/digest/digest-schedule';
import { ensureProjectReportsSchedule } from '../reports/projects/project-report-schedule';
import { createChannelClients } from '../notify/platforms';
import { startDatabase } from './database';
import { databaseCheck, mailCheck, temporalCheck, workerCheck } from './health-checks';
import { assertPortFree } from './ports';
import { startTemporal } from './temporal';
import { wireApiRouters } from './api-routers';
import { seedDemo } from '../demo/seed-demo';
import { makeTreePrivate } from '../paths';
import { startReadModelReconciler } from '../read-model/reconciler';
import { createDealEventDelivery } from '../customers/deal-events';
import { startTracing } from '../observability/tracing';
import { startMetricsServer } from '../observability/metrics-server';

export interface RunningApplication {
  url: string | undefined;
  stop(): Promise<void>;
}

export async function startApplication(opts: {
  config: Config;
  role: 'all' | 'api' | 'worker';
  logger: Logger;
}): Promise<RunningApplication> {
  const { config, role, logger } = opts;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => logger.error({ err }, 'stop failed'));
  };
  const runsApi = role !== 'worker';
  const runsWorker = role !== 'api';
  try {
    if (runsApi) await assertPortFree(config.http.port, config.http.host, 'PORT');

    // DATA_DIR holds the embedded database, Temporal's file and the link secret: owner-only.
    if (!config.database.url || !config.temporal.address || !config.links.secret) {
      makeTreePrivate(config.dataDir);
    }
    // First: the Temporal client and worker take their interceptors from it.
    const tracing = startTracing({
      endpoint: config.observability.otlpEndpoint,
      serviceName: config.observability.serviceName,
      warn: (message) => logger.warn({ component: 'opentelemetry' }, message),
    });
    if (tracing) stops.push(tracing.shutdown);

    const db = await startDatabase(config, { migrate: true });
    stops.push(db.stop);
    if (db.notice) logger.warn(db.notice);
    logger.info({ embedded: db.embedded, engine: db.engine }, 'database ready');

    const temporal = await startTemporal(config, { clientInterceptors: tracing?.clientInterceptors });
    stops.push(temporal.stop);
    logger.info(
      {
        address: temporal.address,
        embedded: temporal.embedded,
        ui: temporal.embedded ? `http://127.0.0.1:${config.temporal.uiPort}` : undefined,
      },
      'temporal ready',
    );

    const sender = createMailTransport({
      smtpUrl: config.mail.smtpUrl,
      tlsRejectUnauthorized: config.mail.tlsRejectUnauthorized,
    });
    stops.push(async () => sender.close());
    const links = createActionLinks({
      prisma: db.prisma,
      secret: resolveLinkSecret({ secret: config.links.secret, dataDir: config.dataDir }),
      publicBaseUrl: config.http.publicBaseUrl,
      ttlHours: config.links.ttlHours,
    });

    let worker: Worker | undefined;
    if (runsWorker) {
      installTemporalRuntime(logger, { metricsPort: config.observability.temporalMetricsPort });
      const connection = await connectWorker(
        temporal.address,
        config.temporal.namespace,
        config.temporal.security,
      );
      worker = await createWorker({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        stickyTimeoutMs: config.temporal.stickyTimeoutMs,
        maxCachedWorkflows: config.temporal.maxCachedWorkflows,
        maxConcurrentWorkflowTaskExecutions: config.temporal.maxConcurrentWorkflowTasks,
        tracing: tracing?.worker,
        activities: createActivities({
          prisma: db.prisma,
          sender,
          from: config.mail.from,
          publicBaseUrl: config.http.publicBaseUrl,
          links,
          channels: createChannelClients(config.im),
          digestTimeZone: config.digest.timezone,
        }),
      });
      const running = worker.run();
      stops.push(async () => {
        if (worker!.getState() === 'RUNNING') worker!.shutdown();
        await running;
        await connection.close();
      });
      running.catch((err: unknown) => logger.fatal({ err }, 'worker stopped'));
      logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
      const { metricsToken, metricsPort } = config.observability;
      if (!runsApi && metricsToken && metricsPort !== undefined) {
        const metrics = await startMetricsServer({
          host: config.http.host,
          port: metricsPort,
          token: metricsToken,
          prisma: db.prisma,
        });
        stops.push(metrics.stop);
        logger.info({ url: `http://${config.http.host}:${metricsPort}/metrics` }, 'worker metrics listening');
      }
      const schedule = await ensureWeeklyReportSchedule(temporal.client, {
        taskQueue: config.temporal.taskQueue,
        cron: config.weeklyReport.cron,
        timeZone: config.weeklyReport.timezone,
      });
      logger.info(
        { ...schedule, cron: config.weeklyReport.cron, timeZone: config.weeklyReport.timezone },
        'weekly report schedule ready',
      );
      // The major deals' weekly project reports go out on the same cron.
      const projectSchedule = await ensureProjectReportsSchedule(temporal.client, {
        taskQueue: config.temporal.taskQueue,
        cron: config.weeklyReport.cron,
        timeZone: config.weeklyReport.timezone,
      });
      logger.info(projectSchedule, 'project report schedule ready');
      const digestSchedule = await ensureMorningDigestSchedule(temporal.client, {
        taskQueue: config.temporal.taskQueue,
        cron: config.digest.cron,
        timeZone: config.digest.timezone,
      });
      logger.info({ ...digestSchedule, ...config.digest }, 'morning digest schedule ready');
    }

    // Every process repairs projections a dead or unlucky API left behind (src/read-model).
    const reconciler = startReadModelReconciler({
      prisma: db.prisma,
      client: temporal.client,
      logger,
      intervalMs: config.readModel.reconcileIntervalMs,
      graceMs: config.readModel.reconcileGraceMs,
      timeoutMs: config.temporal.updateTimeoutMs,
    });
    stops.push(reconciler.stop);
    // Every process sends the queued deal events to their accounts' workflows (src/customers/deal-events.ts).
    const dealEvents = createDealEventDelivery({
      prisma: db.prisma,
      client: temporal.client,
      taskQueue: config.temporal.taskQueue,
      logger,
    }).start(config.readModel.accountDealEventsIntervalMs);
    stops.push(dealEvents.stop);

    let url: string | undefined;
    if (runsApi) {
      const routers = wireApiRouters({ config, prisma: db.prisma, client: temporal.client, links, logger });
      // Stops run in reverse: the server closes first, then answered commands finish projecting.
      stops.push(routers.drain);
      const app = createApp({
        prisma: db.prisma,
        temporal: temporal.client,
        taskQueue: config.temporal.taskQueue,
        updateTimeoutMs: config.temporal.updateTimeoutMs,
        logger,
        publicBaseUrl: config.http.publicBaseUrl,
        bodyLimit: config.http.bodyLimit,
        rateLimitPerMinute: config.http.rateLimitPerMinute,
        authFailuresPerMinute: config.http.authFailuresPerMinute,
        healthRateLimitPerMinute: config.http.healthRateLimitPerMinute,
        tokenMaxTtlDays: config.http.tokenMaxTtlDays,
        auth: {
          sessions: { idleMs: config.auth.sessionIdleMs, maxMs: config.auth.sessionMaxMs },
          secureCookies: config.auth.secureCookies,
          publicBaseUrl: config.http.publicBaseUrl,
          magicLinkTtlMs: config.auth.magicLinkTtlMs,
          resetTtlMs: config.auth.resetTtlMs,
          invitationTtlMs: config.auth.invitationTtlMs,
          failuresPerAccount: config.auth.failuresPerAccount,
          failuresPerAddress: config.auth.failuresPerAddress,
          failureWindowMs: config.auth.failureWindowMs,
          pageRateLimitPerMinute: config.links.rateLimitPerMinute,
          mailer: { sender, from: config.mail.from },
        },
        healthChecks: {
          database: databaseCheck(db.prisma),
          temporal: temporalCheck(temporal.client),
          worker: workerCheck(temporal.client, config.temporal.namespace, config.temporal.taskQueue),
          mail: mailCheck(config.mail.smtpUrl, db.prisma),
        },
        observability: { metricsToken: config.observability.metricsToken, tracing: Boolean(tracing) },
        apiRouters: routers.api,
        extraRouters: routers.extra,
      });
      const server: Server = await new Promise((resolve, reject) => {
        const s = app.listen(config.http.port, config.http.host, () => resolve(s));
        s.once('error', reject);
      });
      stops.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      url = `http://${config.http.host}:${config.http.port}`;
      logger.info({ url }, 'api listening');

      if (config.demoSeed) {
        await seedDemo({
          prisma: db.prisma,
          client: temporal.client,
          taskQueue: config.temporal.taskQueue,
          logger,
          print: (line: string) => process.stdout.write(`${line}\n`),
        });
      }
    }
    return { url, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
