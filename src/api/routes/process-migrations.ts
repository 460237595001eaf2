// Process migrations (issue 17): the process owner (an admin) moves running deals to a later
// process version, or dry-runs it first. POST starts a processMigrationRun workflow over the deals
// named (or all deals not finished and on an earlier version) and answers 202 with its id; GET
// reads its progress. Each deal's own Update refuses what cannot be migrated, with a typed code per
// deal in the results; the run goes on with the others.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../db/prisma';
import type { AuthenticatedUser } from '../../auth/api-tokens';
import { AppError } from '../../errors/app-error';
import { toAppError } from '../../temporal/errors';
import { zKey } from '../../contracts/zod-fields';
import { latestProcessVersion, processVersion } from '../../../workflows/process-versions';
import {
  processMigrationProgressQuery,
  type ProcessMigrationRunInput,
} from '../../../workflows/opportunity-migration-run';
import { z } from '../openapi';
import { defineRoute } from '../route';

/** Deals one request may name; `all` has no such limit. */
const MAX_NAMED_DEALS = 500;
const RUN_PREFIX = 'process-migration-';

const ZStartBody = z
  .object({
    toVersion: z.number().int().min(1),
    dryRun: z.boolean(),
    dealIds: z.array(zKey(100)).min(1).max(MAX_NAMED_DEALS).optional(),
    all: z.literal(true).optional(),
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{8,100}$/)
      .optional()
      .openapi({ description: 'Repeat the request safely: the same id answers the run it started' }),
  })
  .refine((b) => (b.dealIds === undefined) !== (b.all === undefined), {
    message: 'give either dealIds or all: true',
    path: ['dealIds'],
  })
  .openapi('ProcessMigrationRequest');

const ZOutcome = z.object({
  opportunityId: z.string(),
  outcome: z.enum(['migrated', 'unchanged', 'planned', 'refused']),
  fromVersion: z.number().int().nullable(),
  milestone: z.object({ from: z.string().nullable(), to: z.string().nullable() }).nullable(),
  mustMeet: z.array(z.string()),
  code: z.string().nullable(),
  message: z.string().nullable(),
});

const ZProgress = z
  .object({
    migrationId: z.string(),
    toVersion: z.number().int(),
    dryRun: z.boolean(),
    total: z.number().int(),
    done: z.number().int(),
    migrated: z.number().int(),
    unchanged: z.number().int(),
    refused: z.number().int(),
    finished: z.boolean(),
    results: z.array(ZOutcome),
  })
  .openapi('ProcessMigrationProgress');

function requireProcessOwner(user: AuthenticatedUser): void {
  // The process owner is the admin role (there is no separate process-owner role).
  if (user.role !== 'admin')
    throw new AppError('FORBIDDEN', 'only an admin (the process owner) migrates deals');
}

export function createProcessMigrationsRouter({
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
  const tags = ['Admin'];

  defineRoute(router, registry, mount, {
    method: 'post',
    path: '/admin/process-migrations',
    summary: 'Migrate running deals to a later process version, or dry-run it (admin)',
    tags,
    body: ZStartBody,
    response: {
      status: 202,
      description: 'The run started (or, for a repeated requestId, the run it started)',
      schema: z.object({ migrationId: z.string(), total: z.number().int() }),
    },
    errors: [422],
    handler: async ({ user, body }) => {
      requireProcessOwner(user);
      if (!processVersion(body.toVersion))
        throw new AppError('PROCESS_VERSION_UNKNOWN', `there is no process version ${body.toVersion}`, {
          toVersion: body.toVersion,
          latest: latestProcessVersion(),
        });
      const ids = body.dealIds
        ? [...new Set(body.dealIds)]
        : (
            await prisma.opportunity.findMany({
              where: { processVersion: { lt: body.toVersion }, executionCompletedAt: null },
              select: { id: true },
              orderBy: { id: 'asc' },
            })
          ).map((r) => r.id);
      const migrationId = RUN_PREFIX + (body.requestId ?? randomUUID());
      const input: ProcessMigrationRunInput = {
        toVersion: body.toVersion,
        dryRun: body.dryRun,
        opportunityIds: ids,
        requestedBy: { userId: user.id, role: 'admin' },
      };
      try {
        await client.connection.withDeadline(Date.now() + timeoutMs, () =>
          client.workflow.start('processMigrationRun', {
            workflowId: migrationId,
            taskQueue,
            args: [input],
            // A finished run's id stays taken: the same requestId never starts a second run.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw toAppError(err);
        const progress = await readProgress(migrationId);
        return { status: 202, body: { migrationId, total: progress.total } };
      }
      return { status: 202, body: { migrationId, total: ids.length } };
    },
  });

  const readProgress = async (migrationId: string) => {
    try {
      return await client.connection.withDeadline(Date.now() + timeoutMs, () =>
        client.workflow.getHandle(migrationId).query(processMigrationProgressQuery),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new AppError('NOT_FOUND', 'no such process migration');
      throw toAppError(err);
    }
  };

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/admin/process-migrations/:id',
    summary: "A process migration's progress and per-deal results (admin)",
    tags,
    params: z.object({ id: z.string().regex(/^process-migration-[A-Za-z0-9_.:-]{8,100}$/) }),
    response: { status: 200, description: 'Progress', schema: ZProgress },
    handler: async ({ user, params }) => {
      requireProcessOwner(user);
      const progress = await readProgress(params.id);
      return { body: { migrationId: params.id, ...progress } };
    },
  });
  return router;
}
