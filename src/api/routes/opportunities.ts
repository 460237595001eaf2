import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { canActForOwner, subtreeUserIds } from '../../auth/reporting-line';
import { AppError } from '../../errors/app-error';
import { createDealAccess } from '../../opportunities/access';
import { accountNameForDeal } from '../../customers/deal-account';
import { assertAssignableOwner } from '../../users/users';
import type { OpportunityClient } from '../../opportunities/workflow-client';
import { newOpportunityId } from '../../opportunities/workflow-client';
import {
  ZApprovalParams,
  ZChecklistItemSchema,
  ZChecklistParams,
  ZCommandResultSchema,
  ZCompleteMilestoneSchema,
  ZCreateOpportunitySchema,
  ZDecideApprovalSchema,
  ZEmptySchema,
  ZIdParams,
  ZListQuery,
  ZLogActivitySchema,
  ZOpportunityRowSchema,
  ZOpportunityStateSchema,
  ZReasonSchema,
  ZRequestApprovalSchema,
  ZStakeholderSchema,
  ZUpdateDealSchema,
} from '../../opportunities/schemas';
import { z } from '../openapi';
import { defineRoute } from '../route';
import type { AuthenticatedUser } from '../../auth/api-tokens';
import type { CommandName } from '../../../workflows/opportunity-types';

/** How long an owner change waits for the read model before answering (it answers either way). */
const OWNER_CHANGE_READ_MODEL_WAIT_MS = 3_000;

const COMMAND_ERRORS = [404, 409, 422];

/** What newOpportunityId makes: `opp-` and a UUID, or `opp-` and 32 hex digits (from a key). */
export const OPPORTUNITY_ID =
  /^opp-(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const ZAcceptedSchema = z
  .object({ id: z.string(), status: z.literal('accepted') })
  .openapi('OpportunityAccepted');

export function createOpportunitiesRouter({
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
  const tags = ['Opportunities'];
  const actorOf = (user: AuthenticatedUser) => ({ userId: user.id, role: user.role });
  const access = createDealAccess(prisma, opportunities);

  // Anything else under /opportunities/:id is no opportunity (another workflow's id, a NUL, a
  // typo): 404 before any query reaches the read model or Temporal.
  router.param('id', (_req, _res, next, id: string) => {
    next(OPPORTUNITY_ID.test(id) ? undefined : new AppError('NOT_FOUND', 'opportunity not found'));
  });

  defineRoute(router, registry, mount, {
    method: 'post',
    path: '/opportunities',
    summary: 'Create an opportunity: starts its PSM workflow',
    tags,
    body: ZCreateOpportunitySchema,
    idempotencyKey: true,
    // accountId: an unknown account 404, a pool account 422 (claim it first), someone else's 403.
    errors: [404, 422],
    response: {
      status: 201,
      description: 'Created; Location names the deal',
      schema: ZOpportunityStateSchema,
    },
    otherResponses: [
      {
        status: 200,
        description: 'A repeated Idempotency-Key: the deal it created, if the caller may still see it',
        schema: ZOpportunityStateSchema,
      },
      {
        status: 202,
        description: 'Accepted while no worker answers yet; Location names the deal',
        schema: ZAcceptedSchema,
      },
    ],
    handler: async ({ user, body, idempotencyKey }) => {
      const ownerId = body.ownerId ?? user.id;
      if (ownerId !== user.id && !(await canActForOwner(prisma, user, ownerId))) {
        throw new AppError(
          'FORBIDDEN',
          'you may create deals only for yourself or people in your reporting line',
        );
      }
      const owner = await prisma.user.findUnique({ where: { id: ownerId } });
      if (!owner || !owner.active)
        throw new AppError('INVALID_INPUT', 'ownerId does not name an active user');
      const account =
        body.accountId === undefined
          ? (body.account as string)
          : await accountNameForDeal(prisma, { accountId: body.accountId, ownerId, actor: user });
      const id = newOpportunityId(ownerId, idempotencyKey);
      const { created } = await opportunities.start({
        id,
        name: body.name,
        account,
        amount: body.amount,
        currency: body.currency,
        ownerId,
        expectedCloseDate: body.expectedCloseDate ?? null,
        createdBy: actorOf(user),
      });
      const location = { Location: `/api/opportunities/${id}` };
      // A replayed key names a deal that may have changed hands since: the caller sees it only if
      // they may see it now, like any other deal.
      if (!created) await access.assertCanAct(user, id);
      try {
        const state = await opportunities.state(id);
        return { status: created ? 201 : 200, body: state, headers: location };
      } catch (err) {
        // The workflow exists (the server accepted the start) but no worker answered yet:
        // say it was accepted, and where to find it.
        if (err instanceof AppError && err.code === 'SERVICE_UNAVAILABLE') {
          return { status: 202, body: { id, status: 'accepted' }, headers: location };
        }
        throw err;
      }
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/opportunities',
    summary: 'List opportunities visible to the caller (from the read model)',
    tags,
    query: ZListQuery,
    response: {
      status: 200,
      description: 'Opportunities',
      schema: z.object({ opportunities: z.array(ZOpportunityRowSchema), total: z.number() }),
    },
    handler: async ({ user, query }) => {
      const visible = user.role === 'admin' ? undefined : await subtreeUserIds(prisma, user.id);
      if (query.owner && visible && !visible.includes(query.owner)) {
        throw new AppError('FORBIDDEN', 'that owner is outside your reporting line');
      }
      const where = {
        ...(query.owner ? { ownerId: query.owner } : visible ? { ownerId: { in: visible } } : {}),
        ...(query.milestone ? { milestone: query.milestone } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.stalled ? { stalled: query.stalled === 'true' } : {}),
      };
      const [rows, total] = await Promise.all([
        prisma.opportunity.findMany({
          where,
          orderBy: [{ stageEnteredAt: 'asc' }, { id: 'asc' }],
          take: query.limit,
          skip: query.offset,
        }),
        prisma.opportunity.count({ where }),
      ]);
      return {
        body: {
          total,
          opportunities: rows.map((r) => ({
            id: r.id,
            name: r.name,
            account: r.account,
            amount: Number(r.amount),
            currency: r.currency,
            ownerId: r.ownerId,
            milestone: r.milestone,
            milestoneIndex: r.milestoneIndex,
            probability: r.probability,
            status: r.status,
            expectedCloseDate: r.expectedCloseDate?.toISOString().slice(0, 10) ?? null,
            stageEnteredAt: r.stageEnteredAt.toISOString(),
            lastActivityAt: r.lastActivityAt?.toISOString() ?? null,
            escalationLevel: r.escalationLevel,
            stalled: r.stalled,
            noSponsorWarning: r.noSponsorWarning,
            createdAt: r.createdAt.toISOString(),
          })),
        },
      };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/opportunities/:id',
    summary: 'The live state of an opportunity (workflow query)',
    tags,
    params: ZIdParams,
    response: { status: 200, description: 'State', schema: ZOpportunityStateSchema },
    handler: async ({ user, params }) => {
      await access.assertCanAct(user, params.id);
      return { body: await opportunities.state(params.id) };
    },
  });

  /** A command route: authorise against the reporting line, then run the Update. */
  const command = <N extends CommandName>(spec: {
    method: 'post' | 'put' | 'patch';
    path: string;
    summary: string;
    name: N;
    body: z.ZodType;
    params?: z.ZodType<{ id: string }>;
    toFields: (body: never, params: never) => unknown;
  }) =>
    defineRoute(router, registry, mount, {
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      tags,
      params: spec.params ?? ZIdParams,
      body: spec.body,
      idempotencyKey: true,
      response: {
        status: 200,
        description: 'Applied (or the first result of a repeated Idempotency-Key)',
        schema: ZCommandResultSchema,
      },
      errors: COMMAND_ERRORS,
      handler: async ({ user, params, body, idempotencyKey }) => {
        const p = params as { id: string };
        // Deal-team members may send what their role allows (the workflow checks the rest).
        await access.assertCanAct(user, p.id, spec.name);
        const newOwner = spec.name === 'updateDeal' ? (body as { ownerId?: string }).ownerId : undefined;
        if (newOwner !== undefined) await assertAssignableOwner(prisma, user, newOwner);
        const fields = spec.toFields(body as never, params as never) as Parameters<
          OpportunityClient['command']
        >[2];
        // A new owner's next request is answered from the read model: let it see the change.
        const result = await opportunities.command(
          p.id,
          spec.name,
          fields as never,
          actorOf(user),
          idempotencyKey,
          newOwner === undefined ? {} : { waitForReadModelMs: OWNER_CHANGE_READ_MODEL_WAIT_MS },
        );
        // The owner may have changed: read it afresh next time.
        if (spec.name === 'updateDeal') access.forget(p.id);
        return { body: result };
      },
    });

  const same = (b: never) => b;
  command({
    method: 'post',
    path: '/opportunities/:id/milestones',
    summary: 'Complete a milestone with the criteria met and evidence',
    name: 'completeMilestone',
    body: ZCompleteMilestoneSchema,
    toFields: same,
  });
  command({
    method: 'put',
    path: '/opportunities/:id/checklist/:milestone/:item',
    summary: 'Tick or untick a checklist item',
    name: 'setChecklistItem',
    body: ZChecklistItemSchema,
    params: ZChecklistParams,
    toFields: (b: { done: boolean }, p: { milestone: string; item: string }) => ({
      milestone: p.milestone,
      item: p.item,
      done: b.done,
    }),
  });
  command({
    method: 'post',
    path: '/opportunities/:id/activities',
    summary: 'Log a visit, call, meeting or email',
    name: 'logActivity',
    body: ZLogActivitySchema,
    toFields: same,
  });
  command({
    method: 'post',
    path: '/opportunities/:id/stakeholders',
    summary: 'Add or update a stakeholder (role and stance)',
    name: 'upsertStakeholder',
    body: ZStakeholderSchema,
    toFields: same,
  });
  command({
    method: 'post',
    path: '/opportunities/:id/approvals',
    summary: 'Request an approval (milestone gate, skipping a milestone, discount)',
    name: 'requestApproval',
    body: ZRequestApprovalSchema,
    toFields: same,
  });
  command({
    method: 'post',
    path: '/opportunities/:id/approvals/:approvalId/decision',
    summary: 'Approve or reject (the approver, someone above them, or an admin)',
    name: 'decideApproval',
    body: ZDecideApprovalSchema,
    params: ZApprovalParams,
    toFields: (b: { decision: string; comment?: string }, p: { approvalId: string }) => ({
      approvalId: p.approvalId,
      ...b,
    }),
  });
  command({
    method: 'patch',
    path: '/opportunities/:id',
    summary: 'Update deal fields (amount, expected close date, owner, name, account)',
    name: 'updateDeal',
    body: ZUpdateDealSchema,
    toFields: same,
  });
  command({
    method: 'post',
    path: '/opportunities/:id/lost',
    summary: 'Mark the deal lost, with a reason',
    name: 'markLost',
    body: ZReasonSchema,
    toFields: same,
  });
  command({
    method: 'post',
    path: '/opportunities/:id/hold',
    summary: 'Put the deal on hold (pauses its timers)',
    name: 'hold',
    body: ZReasonSchema,
    toFields: same,
  });
  command({
    method: 'post',
    path: '/opportunities/:id/resume',
    summary: 'Resume a deal on hold',
    name: 'resume',
    body: ZEmptySchema,
    toFields: () => ({}),
  });
  command({
    method: 'post',
    path: '/opportunities/:id/reopen',
    summary: 'Reopen a lost deal',
    name: 'reopen',
    body: ZReasonSchema,
    toFields: same,
  });

  return router;
}
