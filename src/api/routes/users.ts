import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { issueApiToken } from '../../auth/api-tokens';
import type { CachedAuthenticator } from '../../auth/cached-authenticator';
import { subtreeUserIds } from '../../auth/reporting-line';
import { reportingChain } from '../../users/reporting-chain';
import { AppError } from '../../errors/app-error';
import { z } from '../openapi';
import { defineRoute } from '../route';
import {
  changesReportingLine,
  createUser,
  toUserDto,
  updateUser,
  type ReorganisationAnnouncer,
} from '../../users/users';
import {
  ZCreateUserSchema,
  ZIssueTokenSchema,
  ZIssuedTokenSchema,
  ZLocaleSchema,
  ZTokenInfoSchema,
  ZUpdateUserSchema,
  ZUserSchema,
} from '../../users/schemas';

const ZIdParams = z.object({ id: z.uuid() });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function createUsersRouter({
  prisma,
  registry,
  authenticator,
  tokenMaxTtlDays,
  reorganisations,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
  authenticator: CachedAuthenticator;
  /** Longest token lifetime: longer is refused, omitted gets this much. */
  tokenMaxTtlDays: number;
  /** Tells running deals about a manager, role or active change (absent: their clock checks do, in days). */
  reorganisations?: ReorganisationAnnouncer;
}): Router {
  const router = Router();
  const mount = '/api';
  const tags = ['Users and tokens'];

  const requireAdmin = (role: string) => {
    if (role !== 'admin') throw new AppError('FORBIDDEN', 'only an admin may do this');
  };
  const requireSelfOrAdmin = (user: { id: string; role: string }, id: string) => {
    if (user.role !== 'admin' && user.id !== id)
      throw new AppError('FORBIDDEN', 'only the user themself or an admin may do this');
  };

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/me',
    summary: 'The authenticated user',
    tags,
    response: { status: 200, description: 'The user', schema: ZUserSchema },
    handler: async ({ user }) => ({
      body: toUserDto(await prisma.user.findUniqueOrThrow({ where: { id: user.id } })),
    }),
  });

  // Self-service settings: today the language (the page's switch). Role, manager and activity stay
  // admin-only under PATCH /users/:id.
  defineRoute(router, registry, mount, {
    method: 'patch',
    path: '/me',
    summary: 'Change your own settings (the locale the page, mail and refusals use)',
    tags,
    body: z.object({ locale: ZLocaleSchema }).strict().openapi('UpdateMe'),
    response: { status: 200, description: 'The user', schema: ZUserSchema },
    handler: async ({ user, body }) => {
      const updated = await updateUser(prisma, user.id, { locale: body.locale });
      // The cached caller carries the locale: the next request must see the new one.
      authenticator.forgetUser(user.id);
      return { body: toUserDto(updated) };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/users',
    summary:
      'Users visible to the caller (admin: all; others: their reporting line and the managers above them)',
    tags,
    response: { status: 200, description: 'Users', schema: z.object({ users: z.array(ZUserSchema) }) },
    handler: async ({ user }) => {
      // Everyone sees their own line and the managers above them (by name, e.g. "my manager").
      const where =
        user.role === 'admin'
          ? {}
          : {
              id: {
                in: [...(await subtreeUserIds(prisma, user.id)), ...(await reportingChain(prisma, user.id))],
              },
            };
      const users = await prisma.user.findMany({ where, orderBy: [{ role: 'asc' }, { name: 'asc' }] });
      return { body: { users: users.map(toUserDto) } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'post',
    path: '/users',
    summary: 'Create a user (admin)',
    tags,
    body: ZCreateUserSchema,
    response: { status: 201, description: 'Created', schema: ZUserSchema },
    errors: [403, 409],
    handler: async ({ user, body }) => {
      requireAdmin(user.role);
      return { status: 201, body: toUserDto(await createUser(prisma, body)) };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'patch',
    path: '/users/:id',
    summary: 'Update a user, their role or manager (admin)',
    tags,
    params: ZIdParams,
    body: ZUpdateUserSchema,
    response: { status: 200, description: 'Updated', schema: ZUserSchema },
    errors: [404, 409],
    handler: async ({ user, params, body }) => {
      requireAdmin(user.role);
      const removesAdmin = (body.role !== undefined && body.role !== 'admin') || body.active === false;
      const updated = removesAdmin
        ? await prisma.$transaction(async (tx) => {
            // Lock every active admin row: two admins demoting each other at once serialise here,
            // and the second sees that only one is left.
            const admins = await tx.$queryRaw<{ id: string }[]>`
              SELECT id::text AS id FROM "User" WHERE role = 'admin' AND active FOR UPDATE`;
            if (admins.length === 1 && admins[0]!.id === params.id) {
              throw new AppError(
                'LAST_ADMIN',
                'this is the last active admin: make another user admin first',
              );
            }
            return updateUser(tx as unknown as PrismaClient, params.id, body);
          })
        : await updateUser(prisma, params.id, body);
      // A deactivated user, or a new role or manager, must not be served from the token cache.
      authenticator.forgetUser(params.id);
      // Open deals in this user's line re-read it within moments (503 if Temporal is down: the
      // change is saved, and repeating the PATCH announces it again).
      if (changesReportingLine(body)) await reorganisations?.announce(params.id, updated.updatedAt);
      return { body: toUserDto(updated) };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'post',
    path: '/users/:id/tokens',
    summary: 'Issue an API token; the token is shown only in this response',
    tags,
    params: ZIdParams,
    body: ZIssueTokenSchema,
    response: { status: 201, description: 'Issued', schema: ZIssuedTokenSchema },
    errors: [404],
    handler: async ({ user, params, body }) => {
      requireSelfOrAdmin(user, params.id);
      // Every token expires: a leaked one stops working within the cap at most.
      if (body.ttlDays !== undefined && body.ttlDays > tokenMaxTtlDays) {
        throw new AppError('INVALID_INPUT', `a token lives at most ${tokenMaxTtlDays} days`, [
          { path: 'body.ttlDays', message: `must be at most ${tokenMaxTtlDays}` },
        ]);
      }
      const target = await prisma.user.findUnique({ where: { id: params.id } });
      if (!target) throw new AppError('NOT_FOUND', 'user not found');
      const issued = await issueApiToken(prisma, {
        userId: params.id,
        label: body.label,
        ttlDays: body.ttlDays ?? tokenMaxTtlDays,
      });
      return { status: 201, body: { ...issued, expiresAt: iso(issued.expiresAt) } };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/users/:id/tokens',
    summary: "A user's tokens (never the secrets)",
    tags,
    params: ZIdParams,
    response: { status: 200, description: 'Tokens', schema: z.object({ tokens: z.array(ZTokenInfoSchema) }) },
    errors: [403],
    handler: async ({ user, params }) => {
      requireSelfOrAdmin(user, params.id);
      const tokens = await prisma.apiToken.findMany({
        where: { userId: params.id },
        orderBy: { createdAt: 'desc' },
      });
      return {
        body: {
          tokens: tokens.map((t) => ({
            id: t.id,
            label: t.label,
            prefix: t.prefix,
            createdAt: t.createdAt.toISOString(),
            expiresAt: iso(t.expiresAt),
            revokedAt: iso(t.revokedAt),
            lastUsedAt: iso(t.lastUsedAt),
          })),
        },
      };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'delete',
    path: '/tokens/:id',
    summary: 'Revoke a token (its owner or an admin)',
    tags,
    params: ZIdParams,
    response: { status: 204, description: 'Revoked' },
    errors: [403, 404],
    handler: async ({ user, params }) => {
      const token = await prisma.apiToken.findUnique({ where: { id: params.id } });
      if (!token) throw new AppError('NOT_FOUND', 'token not found');
      requireSelfOrAdmin(user, token.userId);
      await prisma.apiToken.updateMany({
        where: { id: params.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      authenticator.forgetToken(params.id);
      return { status: 204 };
    },
  });

  return router;
}
