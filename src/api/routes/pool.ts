// The public pool (公海) search (issue 11): unclaimed accounts by part of the normalised name or a
// credit code, filtered by industry, region, tag and funnel step, paged by cursor. Claiming is the
// account workflow's route (POST /api/accounts/:id/claim).
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { ZAccountPageSchema, ZPoolQuerySchema } from '../../customers/account-schemas';
import { listAccounts } from '../../customers/accounts';
import { defineRoute } from '../route';

export function createPoolRouter({
  prisma,
  registry,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
}): Router {
  const router = Router();
  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/pool',
    tags: ['Accounts'],
    query: ZPoolQuerySchema,
    summary:
      'Search the public pool: q matches part of the normalised name (full/half width, legal-form suffix, spaces and case do not matter) or a whole credit code; any signed-in user',
    response: { status: 200, description: 'A page of pool accounts', schema: ZAccountPageSchema },
    handler: async ({ user, query }) => ({
      body: await listAccounts(prisma, user, { ...query, holder: 'pool' }),
    }),
  });
  return router;
}
