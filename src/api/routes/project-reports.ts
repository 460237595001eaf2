// The sales-project reports (issue 14) over the read model, scoped like every report: a rep sees
// the deals they own, a manager or director their reporting line's, an admin everyone's.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { resolveReportScope } from '../../reports/resolve-report-scope';
import { addDays, localDay, localDayStart } from '../../reports/report-period';
import { buildPlanVsActual } from '../../reports/projects/build-plan-vs-actual';
import { buildTeamLoad } from '../../reports/projects/build-team-load';
import { listHandoversWaiting } from '../../reports/projects/list-handovers-waiting';
import {
  ZHandoversWaitingReportSchema,
  ZPlanVsActualReportSchema,
  ZProjectReportQuerySchema,
  ZTeamLoadReportSchema,
} from '../../reports/projects/schemas';
import { canActForOwner } from '../../auth/reporting-line';
import { AppError } from '../../errors/app-error';
import { localeFromDb } from '../../mail/locale';
import { viewProjectReport } from '../../reports/projects/view-project-report';
import { ZProjectReportViewQuerySchema, ZProjectReportViewSchema } from '../../reports/projects/schemas';
import { z } from '../../contracts/zod';
import { defineRoute } from '../route';

export function createProjectReportsRouter({
  prisma,
  registry,
  now = () => new Date(),
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
  now?: () => Date;
}): Router {
  const router = Router();
  const mount = '/api';
  const tags = ['Project reports'];

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/projects/plan-vs-actual',
    tags,
    query: ZProjectReportQuerySchema,
    summary:
      'Plan vs actual: every planned milestone of the deals with a project plan, its slippage in days, and per milestone over the scope',
    response: { status: 200, description: 'Plan vs actual', schema: ZPlanVsActualReportSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const scope = await resolveReportScope({ prisma, caller: user, team: query.team, rep: query.rep });
      const report = await buildPlanVsActual({
        prisma,
        scopeUserIds: scope.scopeUserIds,
        asOfDay: query.asOf ?? localDay(now()),
      });
      return { body: { ...report, scope: scope.describe } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/projects/team-load',
    tags,
    query: ZProjectReportQuerySchema,
    summary: "The deal team's load: per person, the deals in scope they are SR or FR on",
    response: { status: 200, description: 'Team load', schema: ZTeamLoadReportSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const scope = await resolveReportScope({ prisma, caller: user, team: query.team, rep: query.rep });
      const report = await buildTeamLoad({ prisma, scopeUserIds: scope.scopeUserIds });
      return { body: { ...report, scope: scope.describe } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/projects/handovers',
    tags,
    query: ZProjectReportQuerySchema,
    summary: 'Handovers waiting: won deals whose handover the delivery side has not accepted, longest first',
    response: { status: 200, description: 'Handovers waiting', schema: ZHandoversWaitingReportSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const scope = await resolveReportScope({ prisma, caller: user, team: query.team, rep: query.rep });
      // A day means its end: a handover due that day is overdue by then.
      const asOf = query.asOf === undefined ? now() : addDays(localDayStart(query.asOf), 1);
      const report = await listHandoversWaiting({ prisma, scopeUserIds: scope.scopeUserIds, asOf });
      return { body: { ...report, scope: scope.describe } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/opportunities/:id/project-reports',
    tags,
    params: z.object({ id: z.string().min(1).max(200) }),
    query: ZProjectReportViewQuerySchema,
    summary:
      "A deal's weekly project report of a past week, as mailed, in the caller's language: for its owner's line and its deal team",
    response: { status: 200, description: 'Weekly project report', schema: ZProjectReportViewSchema },
    errors: [404],
    handler: async ({ user, params, query }) => {
      const deal = await prisma.opportunity.findUnique({
        where: { id: params.id },
        select: { ownerId: true },
      });
      if (!deal) throw new AppError('NOT_FOUND', `no deal ${params.id}`);
      const onTeam = await prisma.opportunityTeamMember.findUnique({
        where: { opportunityId_userId: { opportunityId: params.id, userId: user.id } },
        select: { userId: true },
      });
      if (!onTeam && !(await canActForOwner(prisma, user, deal.ownerId))) {
        throw new AppError(
          'FORBIDDEN',
          'this opportunity is outside your reporting line and you are not on its team',
        );
      }
      const reader = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { name: true } });
      const view = await viewProjectReport({
        prisma,
        opportunityId: params.id,
        isoWeek: query.week,
        reader: { name: reader.name, locale: query.locale ?? localeFromDb(user.locale) },
        now: now(),
      });
      return { body: view };
    },
  });

  return router;
}
