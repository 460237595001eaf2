// Sales targets per user and period: what the forecast's coverage and the weekly report's
// progress against plan are measured against.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { listSalesTargets } from '../../reports/list-sales-targets';
import { setSalesTarget } from '../../reports/set-sales-target';
import {
  ZListTargetsQuerySchema,
  ZSalesTargetSchema,
  ZSetTargetSchema,
  ZTargetParamsSchema,
} from '../../reports/target-schemas';
import { z } from '../openapi';
import { defineRoute } from '../route';

export function createTargetsRouter({
  prisma,
  registry,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
}): Router {
  const router = Router();
  const tags = ['Targets'];

  defineRoute(router, registry, '/api', {
    method: 'put',
    path: '/targets/:userId',
    tags,
    params: ZTargetParamsSchema,
    body: ZSetTargetSchema,
    summary:
      "Set a user's target for a period (their manager or director, or an admin); the same period is replaced",
    response: { status: 200, description: 'Replaced', schema: ZSalesTargetSchema },
    otherResponses: [{ status: 201, description: 'Created', schema: ZSalesTargetSchema }],
    errors: [404, 409],
    handler: async ({ user, params, body }) => {
      const { target, created } = await setSalesTarget({
        prisma,
        actor: user,
        userId: params.userId,
        target: body,
      });
      return { status: created ? 201 : 200, body: target };
    },
  });

  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/targets',
    tags,
    query: ZListTargetsQuerySchema,
    summary: 'Targets visible to the caller (admin: all; others: their reporting line)',
    response: {
      status: 200,
      description: 'Targets',
      schema: z.object({ targets: z.array(ZSalesTargetSchema) }),
    },
    errors: [404],
    handler: async ({ user, query }) => ({
      body: { targets: await listSalesTargets({ prisma, actor: user, query }) },
    }),
  });

  return router;
}
