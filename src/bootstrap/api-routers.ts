// Wires the routers that need more than Prisma: the workflow client, link signing, the web page.
import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import type { Config } from '../config';
import type { PrismaClient } from '../db/prisma';
import type { ActionLinks } from '../links';
import type { Logger } from '../logger';
import type { createRegistry } from '../api/openapi';
import { createAdminReadModelRouter } from '../api/routes/admin-read-model';
import { createProcessMigrationsRouter } from '../api/routes/process-migrations';
import { createApprovalsRouter } from '../api/routes/approvals';
import { createDashboardRouter } from '../api/routes/dashboard';
import { createDealTeamRouter } from '../api/routes/deal-team';
import { createEmailActionsRouter } from '../api/routes/email-actions';
import { createChatCallbacksRouter } from '../api/routes/chat-callbacks';
import { createChatCallbackHandlers } from '../notify/callbacks';
import { createOpportunitiesRouter } from '../api/routes/opportunities';
import { createOutboxRouter } from '../api/routes/outbox';
import { createReportsRouter } from '../api/routes/reports';
import { createProjectReportsRouter } from '../api/routes/project-reports';
import { createCustomerReportsRouter } from '../api/routes/customer-reports';
import { createTargetsRouter } from '../api/routes/targets';
import { createChannelsRouter } from '../api/routes/channels';
import { createAccountsRouter } from '../api/routes/accounts';
import { createPoolRouter } from '../api/routes/pool';
import { createHandoverRouter } from '../api/routes/handover';
import { createClaimsRouter } from '../api/routes/claims';
import {
  createWeeklyReportScheduleControl,
  weeklyReportScheduleId,
} from '../reports/weekly/weekly-report-schedule';
import { createCommandProjector } from '../opportunities/command-projection';
import { createDealEventDelivery } from '../customers/deal-events';
import { createOpportunityClient } from '../opportunities/workflow-client';
import { actingUserId } from '../auth/acting-user';
import { performEmailAction } from '../opportunities/email-action';
import { createWebRouter } from '../web/router';

/** How long shutdown waits for deal-event kicks still talking to Temporal (the sweeper has the rest). */
const KICK_DRAIN_MS = 5_000;

export function wireApiRouters(deps: {
  config: Config;
  prisma: PrismaClient;
  client: Client;
  links: ActionLinks;
  logger: Logger;
}): {
  api: (registry: ReturnType<typeof createRegistry>) => Router[];
  extra: { path: string; router: Router }[];
  /** Finishes the read-model projections of commands already answered (after the server closed). */
  drain: () => Promise<void>;
} {
  // A deal's account hears its events as soon as the command's projection landed (the sweeper of
  // src/bootstrap/application.ts covers the rest).
  const dealEvents = createDealEventDelivery({
    prisma: deps.prisma,
    client: deps.client,
    taskQueue: deps.config.temporal.taskQueue,
    logger: deps.logger,
  });
  const projector = createCommandProjector({
    prisma: deps.prisma,
    client: deps.client,
    timeoutMs: deps.config.temporal.updateTimeoutMs,
    onProjected: (opportunityId, types) => dealEvents.kick(opportunityId, types),
    onError: (err, opportunityId, { attempt, givingUp }) =>
      deps.logger.warn(
        { err, opportunityId, attempt },
        givingUp
          ? "a command's read-model projection still fails; left to the read-model reconciler"
          : "a command's read-model projection failed; retrying",
      ),
  });
  const opportunities = createOpportunityClient({
    client: deps.client,
    taskQueue: deps.config.temporal.taskQueue,
    timeoutMs: deps.config.temporal.updateTimeoutMs,
    projector,
    workflowTaskTimeoutMs: deps.config.temporal.workflowTaskTimeoutMs,
  });
  return {
    // Projections first (each may kick its deal's events), then a short wait for those kicks.
    drain: async () => {
      await projector.drain();
      await dealEvents.drain(KICK_DRAIN_MS);
    },
    api: (registry) => [
      createOpportunitiesRouter({ prisma: deps.prisma, registry, opportunities }),
      createDealTeamRouter({ prisma: deps.prisma, registry, opportunities }),
      createApprovalsRouter({ prisma: deps.prisma, registry }),
      createOutboxRouter({ prisma: deps.prisma, registry }),
      createReportsRouter({
        prisma: deps.prisma,
        registry,
        weeklySchedule: createWeeklyReportScheduleControl(
          deps.client,
          weeklyReportScheduleId(deps.config.temporal.taskQueue),
        ),
      }),
      createTargetsRouter({ prisma: deps.prisma, registry }),
      createChannelsRouter({ prisma: deps.prisma, registry, im: deps.config.im }),
      createDashboardRouter({ prisma: deps.prisma, registry }),
      createAccountsRouter({ prisma: deps.prisma, registry }),
      createPoolRouter({ prisma: deps.prisma, registry }),
      createClaimsRouter({
        prisma: deps.prisma,
        registry,
        client: deps.client,
        taskQueue: deps.config.temporal.taskQueue,
        timeoutMs: deps.config.temporal.updateTimeoutMs,
        logger: deps.logger,
      }),
      createProjectReportsRouter({ prisma: deps.prisma, registry }),
      createCustomerReportsRouter({ prisma: deps.prisma, registry }),
      createAdminReadModelRouter({
        prisma: deps.prisma,
        client: deps.client,
        registry,
        timeoutMs: deps.config.temporal.updateTimeoutMs,
      }),
      createHandoverRouter({
        prisma: deps.prisma,
        client: deps.client,
        registry,
        taskQueue: deps.config.temporal.taskQueue,
        timeoutMs: deps.config.temporal.updateTimeoutMs,
      }),
      createProcessMigrationsRouter({
        prisma: deps.prisma,
        client: deps.client,
        registry,
        taskQueue: deps.config.temporal.taskQueue,
        timeoutMs: deps.config.temporal.updateTimeoutMs,
      }),
    ],
    extra: [
      {
        path: '/',
        router: createEmailActionsRouter({
          prisma: deps.prisma,
          links: deps.links,
          perform: (input) => performEmailAction({ prisma: deps.prisma, opportunities }, input),
          // A link opened by a signed-in caller (API token or browser session) must be their own link.
          actingUserId: (req) =>
            actingUserId(deps.prisma, req, {
              idleMs: deps.config.auth.sessionIdleMs,
              maxMs: deps.config.auth.sessionMaxMs,
            }),
          onError: (err) => deps.logger.error({ err }, 'email action failed'),
          rateLimitPerMinute: deps.config.links.rateLimitPerMinute,
        }),
      },
      {
        // Outside /api: the chat platforms call it, authenticated by their signatures.
        path: '/',
        router: createChatCallbacksRouter({
          handlers: createChatCallbackHandlers({
            callbacks: deps.config.chatCallbacks,
            im: deps.config.im,
            prisma: deps.prisma,
            links: deps.links,
            opportunities,
            publicBaseUrl: deps.config.http.publicBaseUrl,
            onError: (err) => deps.logger.error({ err }, 'chat callback failed'),
          }),
          onError: (err) => deps.logger.error({ err }, 'chat callback failed'),
        }),
      },
      { path: '/', router: createWebRouter() },
    ],
  };
}
