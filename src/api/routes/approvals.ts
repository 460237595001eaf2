import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { z } from '../openapi';
import { defineRoute } from '../route';

const ZPendingApprovalSchema = z
  .object({
    id: z.string(),
    opportunityId: z.string(),
    opportunityName: z.string(),
    account: z.string(),
    kind: z.string(),
    milestone: z.string().nullable(),
    amount: z.number().nullable(),
    reason: z.string().nullable(),
    requestedById: z.string(),
    requestedAt: z.string(),
  })
  .openapi('PendingApproval');

export function createApprovalsRouter({
  prisma,
  registry,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
}): Router {
  const router = Router();
  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/approvals/pending',
    summary: 'Approvals waiting for the caller (admin: all)',
    tags: ['Approvals'],
    response: {
      status: 200,
      description: 'Pending approvals, oldest first',
      schema: z.object({ approvals: z.array(ZPendingApprovalSchema) }),
    },
    handler: async ({ user }) => {
      const rows = await prisma.approval.findMany({
        where: { status: 'pending', ...(user.role === 'admin' ? {} : { approverId: user.id }) },
        include: { opportunity: { select: { name: true, account: true } } },
        orderBy: { requestedAt: 'asc' },
        take: 500,
      });
      return {
        body: {
          approvals: rows.map((a) => ({
            id: a.id,
            opportunityId: a.opportunityId,
            opportunityName: a.opportunity.name,
            account: a.opportunity.account,
            kind: a.kind,
            milestone: a.milestone,
            amount: a.amount === null ? null : Number(a.amount),
            reason: a.reason,
            requestedById: a.requestedById,
            requestedAt: a.requestedAt.toISOString(),
          })),
        },
      };
    },
  });
  return router;
}
