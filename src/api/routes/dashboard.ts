// What the web app's board and manager dashboard read beside the reports: the pipeline board, the
// stalled list, and the weekly report of a past week as the page shows it. Scoped like the
// reports: a rep sees their own deals, a manager or director their line, an admin everyone.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import { subtreeUserIds } from '../../auth/reporting-line';
import { localeFromDb } from '../../mail/locale';
import { boardColumnIndex, buildBoard, listBoardCards } from '../../reports/build-board';
import { listStalledDeals } from '../../reports/list-stalled-deals';
import { resolveReportScope } from '../../reports/resolve-report-scope';
import { viewWeeklyReport } from '../../reports/weekly/view-weekly-report';
import {
  ZBoardCardsQuerySchema,
  ZBoardCardsSchema,
  ZBoardQuerySchema,
  ZBoardSchema,
  ZStalledListSchema,
  ZStalledQuerySchema,
  ZWeeklyQuerySchema,
  ZWeeklyViewSchema,
} from '../../reports/dashboard-schemas';
import { defineRoute } from '../route';

export function createDashboardRouter({
  prisma,
  registry,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
}): Router {
  const router = Router();
  const mount = '/api';
  const tags = ['Dashboard'];

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/board',
    tags,
    query: ZBoardQuerySchema,
    summary:
      'Pipeline board: open and on-hold deals by the milestone reached, with count, amount and weighted amount per column',
    response: { status: 200, description: 'Board', schema: ZBoardSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const scope = await resolveReportScope({ prisma, caller: user, team: query.team, rep: query.rep });
      const [board, owners] = await Promise.all([
        buildBoard({ prisma, scopeUserIds: scope.scopeUserIds, perColumn: query.perColumn }),
        // The filter's choices: everyone the caller sees, whatever the current filter.
        prisma.user.findMany({
          where: user.role === 'admin' ? {} : { id: { in: await subtreeUserIds(prisma, user.id) } },
          select: { id: true, name: true, managerId: true },
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
        }),
      ]);
      return { body: { ...board, scope: scope.describe, owners } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/board/cards',
    tags,
    query: ZBoardCardsQuerySchema,
    summary:
      "The next page of one board column's cards, after the cursor the board or the previous page gave",
    response: { status: 200, description: 'Cards', schema: ZBoardCardsSchema },
    errors: [400, 404],
    handler: async ({ user, query }) => {
      const column = boardColumnIndex(query.column);
      if (column === undefined)
        throw new AppError('INVALID_INPUT', `no board column ${query.column}`, { field: 'column' });
      const scope = await resolveReportScope({ prisma, caller: user, team: query.team, rep: query.rep });
      const page = await listBoardCards({
        prisma,
        scopeUserIds: scope.scopeUserIds,
        column,
        after: query.after,
        limit: query.limit,
      });
      if ('badCursor' in page)
        throw new AppError('INVALID_INPUT', 'the cursor is not one this board gave', { field: 'after' });
      return { body: page };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/dashboard/stalled',
    tags,
    query: ZStalledQuerySchema,
    summary: 'Stalled deals, longest in stage first, with the escalation level each reached',
    response: { status: 200, description: 'Stalled deals', schema: ZStalledListSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const scope = await resolveReportScope({ prisma, caller: user, team: query.team, rep: query.rep });
      const list = await listStalledDeals({ prisma, scopeUserIds: scope.scopeUserIds, limit: query.limit });
      return { body: { ...list, scope: scope.describe } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/weekly',
    tags,
    query: ZWeeklyQuerySchema,
    summary:
      "The weekly report of a past week, as mailed: the caller's own, or that of a person in the caller's line",
    response: { status: 200, description: 'Weekly report', schema: ZWeeklyViewSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const recipientId = query.for ?? user.id;
      if (recipientId !== user.id) {
        if (user.role !== 'admin' && !(await subtreeUserIds(prisma, user.id)).includes(recipientId)) {
          throw new AppError('FORBIDDEN', "that person's report is outside your reporting line");
        }
        const exists = await prisma.user.findUnique({ where: { id: recipientId }, select: { id: true } });
        if (!exists) throw new AppError('NOT_FOUND', `no user ${recipientId}`);
      }
      const view = await viewWeeklyReport({
        prisma,
        recipientId,
        isoWeek: query.week,
        locale: query.locale ?? localeFromDb(user.locale),
      });
      return { body: view };
    },
  });

  return router;
}
