// The customer reports (issue 11) over the read model: the six-step funnel, claim utilisation and
// lapses per month, scoped by the caller's reporting line like every report.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { resolveReportScope } from '../../reports/resolve-report-scope';
import { buildClaimUtilisation } from '../../reports/customers/build-claim-utilisation';
import { buildCustomerFunnel } from '../../reports/customers/build-customer-funnel';
import { countLapses } from '../../reports/customers/count-lapses';
import { customerReportPeriod } from '../../reports/customers/report-period-of';
import {
  ZClaimReportQuerySchema,
  ZClaimReportSchema,
  ZCustomerFunnelReportSchema,
  ZCustomerReportQuerySchema,
  ZLapseReportSchema,
} from '../../reports/customers/schemas';
import { defineRoute } from '../route';

export function createCustomerReportsRouter({
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
  const tags = ['Customer reports'];

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/customers/funnel',
    tags,
    query: ZCustomerReportQuerySchema,
    summary:
      'Six-step customer funnel: accounts per step now, reached and converted in the period, and the success rate against the seed’s 15 % benchmark, per rep and in total',
    response: { status: 200, description: 'Customer funnel', schema: ZCustomerFunnelReportSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const period = customerReportPeriod(query);
      const scope = await resolveReportScope({ prisma, caller: user, team: query.team, rep: query.rep });
      const report = await buildCustomerFunnel({ prisma, scopeUserIds: scope.scopeUserIds, ...period });
      return { body: { ...report, scope: scope.describe } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/customers/claims',
    tags,
    query: ZClaimReportQuerySchema,
    summary: 'Claim utilisation: claims held against the cap per rep, and the totals',
    response: { status: 200, description: 'Claim utilisation', schema: ZClaimReportSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const scope = await resolveReportScope({ prisma, caller: user, team: query.team, rep: query.rep });
      const report = await buildClaimUtilisation({ prisma, scopeUserIds: scope.scopeUserIds, asOf: now() });
      return { body: { ...report, scope: scope.describe } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/reports/customers/lapses',
    tags,
    query: ZCustomerReportQuerySchema,
    summary: 'Lapsed claims per rep per local month in the period',
    response: { status: 200, description: 'Lapses', schema: ZLapseReportSchema },
    errors: [404],
    handler: async ({ user, query }) => {
      const period = customerReportPeriod(query);
      const scope = await resolveReportScope({ prisma, caller: user, team: query.team, rep: query.rep });
      const report = await countLapses({ prisma, scopeUserIds: scope.scopeUserIds, ...period });
      return { body: { ...report, scope: scope.describe } };
    },
  });

  return router;
}
