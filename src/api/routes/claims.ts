// Claims (报备) on accounts (issue 11): claim from the pool, release, assign and move (managers),
// business signals and sales actions (which reset the claim's clock), my list, an account's owner
// history and journal, and a team's cap. Commands are the account workflow's Updates
// (src/customers/claim-commands.ts says who may send which); refusals are 4xx with code and details.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import type { Logger } from '../../logger';
import { ZAccountParams } from '../../customers/account-schemas';
import { createClaimCommands, type ClaimVerb } from '../../customers/claim-commands';
import { accountJournal, myClaims, ownerHistory, putTeamClaimCap } from '../../customers/claim-reads';
import {
  ZAccountCommandResultSchema,
  ZAccountJournalEventSchema,
  ZAssignBodySchema,
  ZClaimBodySchema,
  ZJournalQuerySchema,
  ZMoveBodySchema,
  ZMyClaimsSchema,
  ZOwnerChangeSchema,
  ZReleaseBodySchema,
  ZSalesActionBodySchema,
  ZSignalBodySchema,
  ZTeamClaimCapBodySchema,
  ZTeamClaimCapSchema,
  ZTeamParams,
} from '../../customers/claim-schemas';
import { z } from '../openapi';
import { defineRoute } from '../route';

const COMMAND_ERRORS = [404, 409, 422];

export function createClaimsRouter(deps: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
  client: Client;
  taskQueue: string;
  timeoutMs: number;
  logger?: Logger;
}): Router {
  const { prisma, registry } = deps;
  const router = Router();
  const tags = ['Claims'];
  const commands = createClaimCommands(deps);

  const command = (verb: ClaimVerb, body: z.ZodType, summary: string) =>
    defineRoute(router, registry, '/api', {
      method: 'post',
      path: `/accounts/:id/${verb}`,
      tags,
      params: ZAccountParams,
      body,
      idempotencyKey: true,
      summary,
      response: {
        status: 200,
        description: 'Applied (or the first result of a repeated Idempotency-Key)',
        schema: ZAccountCommandResultSchema,
      },
      errors: COMMAND_ERRORS,
      handler: async ({ user, params, body: parsed, idempotencyKey }) => ({
        body: await commands.run(user, verb, params.id, parsed as Record<string, unknown>, idempotencyKey),
      }),
    });

  command(
    'claim',
    ZClaimBodySchema,
    'Claim a pool account onto your list; 422 CLAIM_CAP_REACHED {current, cap}, CLAIM_DAILY_LIMIT {today, limit}, CLAIM_COOL_DOWN {until}; 409 ACCOUNT_ALREADY_CLAIMED {holder} (who holds it is masked outside your line)',
  );
  command(
    'release',
    ZReleaseBodySchema,
    'Return a claimed account to the public pool (the holder, someone above them, an admin)',
  );
  command(
    'assign',
    ZAssignBodySchema,
    'Assign a pool account to someone of your line (manager or director; admin: anyone); the cap applies',
  );
  command(
    'move',
    ZMoveBodySchema,
    'Move a claim from its holder to another person (both in your line; admin: anyone); the cap applies',
  );
  command(
    'signals',
    ZSignalBodySchema,
    'Record a business signal on a claimed account (the definition lists them): the account becomes potential',
  );
  command(
    'sales-actions',
    ZSalesActionBodySchema,
    "Log a standard sales action (visit, call, meeting, email) on a claimed account: the claim's lapse day moves on at once",
  );

  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/me/claims',
    tags,
    summary:
      'My claimed accounts, the most urgent first: each lapse day and warning day, days left (Asia/Shanghai calendar days), how many I hold against my cap, and the daily claim limit',
    response: { status: 200, description: 'My list', schema: ZMyClaimsSchema },
    handler: async ({ user }) => ({ body: await myClaims(prisma, user) }),
  });

  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/accounts/:id/owner-history',
    tags,
    params: ZAccountParams,
    summary:
      "Every change of the account's holder (claim, release, lapse, assign, move, handover): who, from whom, to whom, why; newest first. The pool's and your line's accounts",
    response: {
      status: 200,
      description: 'Owner changes',
      schema: z.object({ changes: z.array(ZOwnerChangeSchema) }),
    },
    handler: async ({ user, params }) => ({ body: await ownerHistory(prisma, user, params.id) }),
  });

  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/accounts/:id/journal',
    tags,
    params: ZAccountParams,
    query: ZJournalQuerySchema,
    summary:
      "The account's journal (claims, sales actions, business signals, funnel moves with their evidence, warnings, notices), newest first, paged by beforeSeq",
    response: {
      status: 200,
      description: 'Journal',
      schema: z.object({
        events: z.array(ZAccountJournalEventSchema),
        nextBeforeSeq: z.number().int().nullable(),
      }),
    },
    handler: async ({ user, params, query }) => ({
      body: await accountJournal(prisma, user, params.id, query),
    }),
  });

  defineRoute(router, registry, '/api', {
    method: 'put',
    path: '/teams/:managerId/claim-cap',
    tags,
    params: ZTeamParams,
    body: ZTeamClaimCapBodySchema,
    summary:
      "Set the claim cap of a manager's team within the definition's bounds (422 CLAIM_CAP_OUT_OF_BOUNDS {min, max, cap}): an admin (the process owner) or someone above that manager, not the manager",
    response: { status: 200, description: 'The team cap', schema: ZTeamClaimCapSchema },
    errors: [422],
    handler: async ({ user, params, body }) => ({
      body: await putTeamClaimCap(prisma, user, params.managerId, body.cap),
    }),
  });

  return router;
}
