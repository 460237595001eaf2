// The read model's health for admins: what it could not store (dead letters), how many command
// projections are still unfinished, and one deal's workflow seq against the read model's.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import type { AuthenticatedUser } from '../../auth/api-tokens';
import { AppError } from '../../errors/app-error';
import { toAppError } from '../../temporal/errors';
import { listDeadLetters } from '../../read-model/dead-letters';
import { pendingMarkStats } from '../../read-model/projection-marks';
import { projectionSinceQuery } from '../../../workflows/opportunity-messages';
import { zKey } from '../../contracts/zod-fields';
import { z } from '../openapi';
import { defineRoute } from '../route';

const ZDeadLetterSchema = z
  .object({
    id: z.uuid(),
    opportunityId: z.string(),
    kind: z.enum(['event', 'snapshot']),
    seq: z.number().int().openapi({ description: "The event's seq; 0 for a deal's snapshot" }),
    type: z.string(),
    error: z.string(),
    sqlState: z.string().nullable(),
    payload: z.string().openapi({ description: 'The event or snapshot as JSON text (NUL escaped)' }),
    occurrences: z.number().int(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
  })
  .openapi('ProjectionDeadLetter');

const ZDeadLetterQuery = z.object({
  opportunityId: zKey(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const ZReadModelStatusSchema = z
  .object({
    pendingProjections: z.number().int().openapi({ description: 'Command projections not yet confirmed' }),
    oldestPendingAgeMs: z.number().nullable(),
    deadLetters: z.number().int(),
  })
  .openapi('ReadModelStatus');

const ZDealReadModelSchema = z
  .object({
    opportunityId: z.string(),
    readModelSeq: z.number().int().nullable().openapi({ description: 'null: the read model has no row' }),
    workflowSeq: z.number().int(),
    pendingProjections: z.number().int(),
    deadLetters: z.number().int(),
  })
  .openapi('DealReadModelStatus');

function requireAdmin(user: AuthenticatedUser): void {
  if (user.role !== 'admin') throw new AppError('FORBIDDEN', 'only an admin may see the read model status');
}

export function createAdminReadModelRouter({
  prisma,
  client,
  registry,
  timeoutMs,
}: {
  prisma: PrismaClient;
  client: Client;
  registry: OpenAPIRegistry;
  timeoutMs: number;
}): Router {
  const router = Router();
  const mount = '/api';
  const tags = ['Admin'];

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/admin/dead-letters',
    summary: 'Events and snapshots the read model could not store (admin)',
    tags,
    query: ZDeadLetterQuery,
    response: {
      status: 200,
      description: 'Dead letters, most recently seen first',
      schema: z.object({ total: z.number().int(), deadLetters: z.array(ZDeadLetterSchema) }),
    },
    errors: [403],
    handler: async ({ user, query }) => {
      requireAdmin(user);
      const { total, deadLetters } = await listDeadLetters(prisma, query);
      return {
        body: {
          total,
          deadLetters: deadLetters.map((d) => ({
            ...d,
            kind: d.kind === 'snapshot' ? ('snapshot' as const) : ('event' as const),
            createdAt: d.createdAt.toISOString(),
            lastSeenAt: d.lastSeenAt.toISOString(),
          })),
        },
      };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/admin/read-model',
    summary: 'Unfinished command projections and dead letters (admin)',
    tags,
    response: { status: 200, description: 'Read model status', schema: ZReadModelStatusSchema },
    errors: [403],
    handler: async ({ user }) => {
      requireAdmin(user);
      const [marks, deadLetters] = await Promise.all([
        pendingMarkStats(prisma),
        prisma.projectionDeadLetter.count(),
      ]);
      return {
        body: { pendingProjections: marks.pending, oldestPendingAgeMs: marks.oldestAgeMs, deadLetters },
      };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/admin/read-model/opportunities/:id',
    summary: "One deal: its workflow's seq against the read model's (admin)",
    tags,
    params: z.object({ id: zKey(100) }),
    response: { status: 200, description: 'Deal read model status', schema: ZDealReadModelSchema },
    errors: [403, 404, 503],
    handler: async ({ user, params }) => {
      requireAdmin(user);
      let workflowSeq: number;
      try {
        const view = await client.connection.withDeadline(Date.now() + timeoutMs, () =>
          client.workflow.getHandle(params.id).query(projectionSinceQuery, Number.MAX_SAFE_INTEGER),
        );
        workflowSeq = view.snapshot.seq;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new AppError('NOT_FOUND', 'no such opportunity');
        throw toAppError(err);
      }
      const [row, pendingProjections, deadLetters] = await Promise.all([
        prisma.opportunity.findUnique({ where: { id: params.id }, select: { lastEventSeq: true } }),
        prisma.projectionPending.count({ where: { opportunityId: params.id } }),
        prisma.projectionDeadLetter.count({ where: { opportunityId: params.id } }),
      ]);
      return {
        body: {
          opportunityId: params.id,
          readModelSeq: row?.lastEventSeq ?? null,
          workflowSeq,
          pendingProjections,
          deadLetters,
        },
      };
    },
  });
  return router;
}
