// The whole-book handover (离职继承, issue 11) for admins. POST /api/admin/handover with dryRun
// lists what would move (the leaver's claims, open deals, and pending approvals they are to
// decide); without it, it starts the durable bookHandover workflow and answers 202 with its id
// (the same Idempotency-Key answers the same run). GET /api/admin/handover/:id reads its progress.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../db/prisma';
import type { AuthenticatedUser } from '../../auth/api-tokens';
import { AppError } from '../../errors/app-error';
import { toAppError } from '../../temporal/errors';
import { zKey } from '../../contracts/zod-fields';
import { bookHandoverId, checkBookHandover, planBookHandover } from '../../customers/book-handover';
import {
  bookHandoverProgressQuery,
  bookHandoverWorkflowId,
  type BookHandoverInput,
  type BookHandoverProgress,
} from '../../../workflows/book-handover';
import { z } from '../openapi';
import { defineRoute } from '../route';

const ZBody = z
  .object({
    fromUserId: z.string().uuid().openapi({ description: 'The leaver' }),
    toUserId: z.string().uuid().openapi({ description: 'The successor (active)' }),
    reason: z.string().trim().min(1).max(500).openapi({ description: 'Kept in every owner history entry' }),
    dryRun: z.boolean().default(false),
  })
  .openapi('BookHandoverRequest');

const ZPlan = z
  .object({
    dryRun: z.literal(true),
    claims: z.array(z.object({ accountId: z.string(), name: z.string() })),
    deals: z.array(z.object({ id: z.string(), name: z.string() })),
    approvals: z.array(z.object({ opportunityId: z.string(), approvalId: z.string() })),
  })
  .openapi('BookHandoverPlan');

const ZProgress = z
  .object({
    handoverId: z.string(),
    status: z.enum(['running', 'done']),
    done: z.number().int(),
    total: z.number().int(),
    failed: z.number().int(),
    moved: z.number().int(),
  })
  .openapi('BookHandoverProgress');

function requireAdmin(user: AuthenticatedUser): void {
  if (user.role !== 'admin') throw new AppError('FORBIDDEN', 'only an admin hands over a leaver’s book');
}

export function createHandoverRouter({
  prisma,
  client,
  registry,
  taskQueue,
  timeoutMs,
}: {
  prisma: PrismaClient;
  client: Client;
  registry: OpenAPIRegistry;
  taskQueue: string;
  timeoutMs: number;
}): Router {
  const router = Router();
  const mount = '/api';
  const tags = ['Admin', 'Customers'];

  const readProgress = async (handoverId: string): Promise<BookHandoverProgress> => {
    try {
      return await client.connection.withDeadline(Date.now() + timeoutMs, () =>
        client.workflow.getHandle(bookHandoverWorkflowId(handoverId)).query(bookHandoverProgressQuery),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new AppError('NOT_FOUND', 'no such handover');
      throw toAppError(err);
    }
  };

  defineRoute(router, registry, mount, {
    method: 'post',
    path: '/admin/handover',
    // With dryRun: what would move. Without: starts the durable handover and answers its id; a
    // repeated Idempotency-Key answers the run it started. The leaver's direct reports then report
    // to the successor, so approvals waiting on the leaver go to whoever decides them now.
    summary:
      "Hand a leaver's whole book (claims, open deals, pending approvals) to a successor; dryRun lists it (admin)",
    tags,
    body: ZBody,
    idempotencyKey: true,
    response: {
      status: 202,
      description: 'The run started (or the run this Idempotency-Key started)',
      schema: z.object({
        handoverId: z.string(),
        status: z.enum(['running', 'done']),
        total: z.number().int(),
      }),
    },
    otherResponses: [{ status: 200, description: 'The dry run: what would move', schema: ZPlan }],
    errors: [404, 422],
    handler: async ({ user, body, idempotencyKey }) => {
      requireAdmin(user);
      await checkBookHandover(prisma, body);
      if (body.dryRun) {
        const plan = await planBookHandover(prisma, body.fromUserId);
        return { status: 200, body: { dryRun: true, ...plan } };
      }
      const handoverId = bookHandoverId(user.id, idempotencyKey, randomUUID());
      const input: BookHandoverInput = {
        handoverId,
        fromUserId: body.fromUserId,
        toUserId: body.toUserId,
        reason: body.reason,
        actor: { userId: user.id, role: 'admin' },
      };
      try {
        await client.connection.withDeadline(Date.now() + timeoutMs, () =>
          client.workflow.start('bookHandover', {
            workflowId: bookHandoverWorkflowId(handoverId),
            taskQueue,
            args: [input],
            // A finished run's id stays taken: the same key never starts a second handover.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw toAppError(err);
      }
      const progress = await readProgress(handoverId);
      return {
        status: 202,
        body: { handoverId, status: progress.status, total: progress.total },
        headers: { Location: `/api/admin/handover/${handoverId}` },
      };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/admin/handover/:id',
    summary: "A book handover's progress (admin)",
    tags,
    params: z.object({ id: zKey(64) }),
    response: { status: 200, description: 'Progress', schema: ZProgress },
    handler: async ({ user, params }) => {
      requireAdmin(user);
      return { body: await readProgress(params.id) };
    },
  });
  return router;
}
