// Sales projects (issue 14): the deal team, the major flag, the kickoff plan, the handover
// acceptance and the closing lessons as commands (Updates: the workflow refuses with a code), and
// the team, plan against actual and closing summary read from the read model.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import { createDealAccess } from '../../opportunities/access';
import type { OpportunityClient } from '../../opportunities/workflow-client';
import { ZCommandResultSchema, ZIdParams } from '../../opportunities/schemas';
import {
  ZAcceptHandoverSchema,
  ZAssignTeamMemberSchema,
  ZClosingLessonsSchema,
  ZClosingSummaryViewSchema,
  ZPlanViewSchema,
  ZProjectPlanSchema,
  ZSetMajorDealSchema,
  ZTeamMemberParams,
  ZTeamSchema,
} from '../../opportunities/team-schemas';
import type { z } from '../openapi';
import { defineRoute } from '../route';
import type { AuthenticatedUser } from '../../auth/api-tokens';
import type { CommandName } from '../../../workflows/opportunity-types';
import { OPPORTUNITY_ID } from './opportunities';

const COMMAND_ERRORS = [404, 409, 422];
/** A team change decides who may see the deal: answer once the read model has it (bounded). */
const TEAM_CHANGE_READ_MODEL_WAIT_MS = 3_000;
const TEAM_CHANGES: ReadonlySet<CommandName> = new Set(['assignTeamMember', 'removeTeamMember']);
const day = (d: Date | null): string | null => d?.toISOString().slice(0, 10) ?? null;

export function createDealTeamRouter({
  prisma,
  registry,
  opportunities,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
  opportunities: OpportunityClient;
}): Router {
  const router = Router();
  const mount = '/api';
  const tags = ['Sales projects'];
  const actorOf = (user: AuthenticatedUser) => ({ userId: user.id, role: user.role });
  const access = createDealAccess(prisma, opportunities);

  router.param('id', (_req, _res, next, id: string) => {
    next(OPPORTUNITY_ID.test(id) ? undefined : new AppError('NOT_FOUND', 'opportunity not found'));
  });

  const command = <N extends CommandName>(spec: {
    method: 'post' | 'delete';
    path: string;
    summary: string;
    name: N;
    body?: z.ZodType;
    params?: z.ZodType<{ id: string }>;
    toFields: (body: never, params: never) => unknown;
  }) =>
    defineRoute(router, registry, mount, {
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      tags,
      params: spec.params ?? ZIdParams,
      ...(spec.body ? { body: spec.body } : {}),
      idempotencyKey: true,
      response: {
        status: 200,
        description: 'Applied (or the first result of a repeated Idempotency-Key)',
        schema: ZCommandResultSchema,
      },
      errors: COMMAND_ERRORS,
      handler: async ({ user, params, body, idempotencyKey }) => {
        const p = params as { id: string };
        await access.assertCanAct(user, p.id, spec.name);
        const fields = spec.toFields(body as never, params as never) as Parameters<
          OpportunityClient['command']
        >[2];
        const result = await opportunities.command(
          p.id,
          spec.name,
          fields as never,
          actorOf(user),
          idempotencyKey,
          TEAM_CHANGES.has(spec.name) ? { waitForReadModelMs: TEAM_CHANGE_READ_MODEL_WAIT_MS } : {},
        );
        // The team decides who may see the deal: read it afresh next time.
        if (TEAM_CHANGES.has(spec.name)) access.forget(p.id);
        return { body: result };
      },
    });

  const same = (b: never) => b;
  command({
    method: 'post',
    path: '/opportunities/:id/team',
    summary:
      'Put someone on the deal team in a role (AR, SR, FR, delivery owner, member): the owner or their line',
    name: 'assignTeamMember',
    body: ZAssignTeamMemberSchema,
    toFields: same,
  });
  command({
    method: 'delete',
    path: '/opportunities/:id/team/:userId',
    summary: 'Take someone off the deal team: the owner or their line',
    name: 'removeTeamMember',
    params: ZTeamMemberParams,
    toFields: (_b: unknown, p: { userId: string }) => ({ userId: p.userId }),
  });
  command({
    method: 'post',
    path: '/opportunities/:id/major',
    summary: 'Flag the deal major (it then needs its kickoff plan whatever its amount)',
    name: 'setMajorDeal',
    body: ZSetMajorDealSchema,
    toFields: same,
  });
  command({
    method: 'post',
    path: '/opportunities/:id/plan',
    summary: 'Record the kickoff plan: planned dates, decision date, risks, competitors, minutes',
    name: 'recordProjectPlan',
    body: ZProjectPlanSchema,
    toFields: same,
  });
  command({
    method: 'post',
    path: '/opportunities/:id/handover/acceptance',
    summary: 'Accept the handover documents (the FR or the named delivery owner): the deal completes',
    name: 'acceptHandover',
    body: ZAcceptHandoverSchema,
    toFields: same,
  });
  command({
    method: 'post',
    path: '/opportunities/:id/closing/lessons',
    summary: 'Record lessons (and the winning competitor) in the closing summary',
    name: 'recordClosingLessons',
    body: ZClosingLessonsSchema,
    toFields: same,
  });

  /** The deal's read-model row, or 404 while it is not projected yet. */
  const rowOf = async (id: string) => {
    const row = await prisma.opportunity.findUnique({
      where: { id },
      include: { team: { orderBy: { addedAt: 'asc' } }, plan: { orderBy: { milestoneIndex: 'asc' } } },
    });
    if (!row) throw new AppError('NOT_FOUND', 'opportunity not found in the read model yet');
    return row;
  };

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/opportunities/:id/team',
    summary: 'The deal team (read model); the owner is the AR unless someone else is named',
    tags,
    params: ZIdParams,
    response: { status: 200, description: 'Team', schema: ZTeamSchema },
    handler: async ({ user, params }) => {
      await access.assertCanAct(user, params.id);
      const row = await rowOf(params.id);
      const team = row.team.map((m) => ({
        userId: m.userId,
        role: m.role,
        addedAt: m.addedAt.toISOString(),
      }));
      if (!team.some((m) => m.role === 'AR')) {
        team.unshift({ userId: row.ownerId, role: 'AR', addedAt: row.createdAt.toISOString() });
      }
      return { body: { team } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/opportunities/:id/plan',
    summary: 'The kickoff plan against actual: planned and actual date and slippage days per milestone',
    tags,
    params: ZIdParams,
    response: { status: 200, description: 'Plan', schema: ZPlanViewSchema },
    handler: async ({ user, params }) => {
      await access.assertCanAct(user, params.id);
      const row = await rowOf(params.id);
      return {
        body: {
          major: row.major,
          kickoffRequired: row.kickoffRequired,
          planRecordedAt: row.planRecordedAt?.toISOString() ?? null,
          decisionDate: day(row.decisionDate),
          milestones: row.plan.map((p) => ({
            milestone: p.milestone,
            milestoneIndex: p.milestoneIndex,
            plannedDate: day(p.plannedDate),
            actualDate: day(p.actualDate),
            skipped: p.skipped,
            slippageDays: p.slippageDays,
          })),
        },
      };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/opportunities/:id/closing-summary',
    summary:
      'The closing summary (sales project summary report) and the handover, once the deal is won or lost',
    tags,
    params: ZIdParams,
    response: {
      status: 200,
      description: 'Closing summary (null while the deal is open)',
      schema: ZClosingSummaryViewSchema,
    },
    handler: async ({ user, params }) => {
      await access.assertCanAct(user, params.id);
      const row = await rowOf(params.id);
      return {
        body: {
          summary: (row.closingSummary ?? null) as Record<string, unknown> | null,
          handover:
            row.handoverStatus === null
              ? null
              : {
                  status: row.handoverStatus,
                  dueAt: row.handoverDueAt?.toISOString() ?? null,
                  acceptedAt: row.handoverAcceptedAt?.toISOString() ?? null,
                  acceptorId: row.deliveryOwnerId,
                },
          executionCompletedAt: row.executionCompletedAt?.toISOString() ?? null,
        },
      };
    },
  });

  return router;
}
