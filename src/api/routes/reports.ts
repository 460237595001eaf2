// Pipeline analytics over the read model, scoped by the caller's reporting line, and the admin
// controls of the weekly report's schedule.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import type { AuthenticatedUser } from '../../auth/api-tokens';
import { AppError } from '../../errors/app-error';
import { buildForecast } from '../../reports/build-forecast';
import { buildFunnel } from '../../reports/build-funnel';
import { findBottlenecks } from '../../reports/find-bottlenecks';
import { measureMovement } from '../../reports/measure-movement';
import { parsePeriodBound, type ReportPeriod } from '../../reports/report-period';
import { resolveReportScope } from '../../reports/resolve-report-scope';
import {
  ZBottleneckQuerySchema,
  ZBottleneckReportSchema,
  ZForecastReportSchema,
  ZFunnelReportSchema,
  ZMovementReportSchema,
  ZReportQuerySchema,
  type TReportQuery,
} from '../../reports/schemas';
import type { WeeklyReportScheduleControl } from '../../reports/weekly/weekly-report-schedule';
import { ZWeeklyScheduleStateSchema } from '../../reports/weekly/weekly-report-schedule';
import { defineRoute } from '../route';

/** Longer spans are refused rather than left to scan years of journal on one request. */
const MAX_PERIOD_DAYS = 3 * 366;

function periodOf(query: Pick<TReportQuery, 'from' | 'to'>): ReportPeriod {
  const from = parsePeriodBound(query.from, 'from');
  const to = parsePeriodBound(query.to, 'to');
  if (from >= to)
    throw new AppError('INVALID_INPUT', 'from must be before to', [
      { path: 'query.to', message: 'must be after from' },
    ]);
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000) {
    throw new AppError('INVALID_INPUT', `a report period is at most ${MAX_PERIOD_DAYS} days`);
  }
  return { from, to };
}

export function createReportsRouter({
  prisma,
  registry,
  weeklySchedule,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
  weeklySchedule: WeeklyReportScheduleControl;
}): Router {
  const router = Router();
  const mount = '/api';
  const tags = ['Reports'];

  const prepare = async (user: AuthenticatedUser, query: TReportQuery) => {
    const period = periodOf(query);
    const scope = await resolveReportScope({ prisma, caller: user, team: query.team, rep: query.rep });
    return { period, scope, options: { prisma, scopeUserIds: scope.scopeUserIds, ...period } };
  };

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/funnel',
    tags,
    query: ZReportQuerySchema,
    summary: 'Funnel: deals reaching each milestone in the period, their amount, and conversion to the next',
    response: { status: 200, description: 'Funnel', schema: ZFunnelReportSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const { scope, options } = await prepare(user, query);
      return { body: { ...(await buildFunnel(options)), scope: scope.describe } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/forecast',
    tags,
    query: ZReportQuerySchema,
    summary:
      'Forecast: weighted pipeline (commit / best case) against the remaining target, per rep and in total',
    response: { status: 200, description: 'Forecast', schema: ZForecastReportSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const { scope, options } = await prepare(user, query);
      return { body: { ...(await buildForecast(options)), scope: scope.describe } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/movement',
    tags,
    query: ZReportQuerySchema,
    summary: 'Movement: advanced, stalled, won, lost; days in stage; velocity; SLA breaches; approval waits',
    response: { status: 200, description: 'Movement', schema: ZMovementReportSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const { scope, options } = await prepare(user, query);
      return { body: { ...(await measureMovement(options)), scope: scope.describe } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/bottlenecks',
    tags,
    query: ZBottleneckQuerySchema,
    summary:
      "Bottlenecks: each rep's milestone-to-milestone conversion against the team's, flagging reps below it",
    response: { status: 200, description: 'Bottlenecks', schema: ZBottleneckReportSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const { scope, period } = await prepare(user, query);
      const report = await findBottlenecks({
        prisma,
        ...period,
        scopeUserIds: scope.teamUserIds,
        repIds: query.rep ? [query.rep] : null,
        marginPct: query.marginPct,
        minSample: query.minSample,
      });
      return { body: { ...report, scope: scope.describe } };
    },
  });

  const requireAdmin = (user: AuthenticatedUser) => {
    if (user.role !== 'admin') throw new AppError('FORBIDDEN', 'only an admin may control the weekly report');
  };
  const adminTags = ['Weekly report'];

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/admin/weekly-report',
    tags: adminTags,
    summary: "The weekly report schedule's state (admin)",
    response: { status: 200, description: 'Schedule state', schema: ZWeeklyScheduleStateSchema },
    errors: [404],
    handler: async ({ user }) => {
      requireAdmin(user);
      return { body: await weeklySchedule.describe() };
    },
  });

  for (const [action, summary] of [
    ['pause', 'Pause the weekly report schedule (admin)'],
    ['resume', 'Resume the weekly report schedule (admin)'],
    ['trigger', 'Run the weekly report now (admin); each recipient still gets one mail per week'],
  ] as const) {
    defineRoute(router, registry, mount, {
      method: 'post',
      path: `/admin/weekly-report/${action}`,
      tags: adminTags,
      summary,
      response: { status: 200, description: 'Schedule state', schema: ZWeeklyScheduleStateSchema },
      errors: [404],
      handler: async ({ user }) => {
        requireAdmin(user);
        await weeklySchedule[action](`${action} by ${user.email} via the API`);
        return { body: await weeklySchedule.describe() };
      },
    });
  }

  return router;
}
