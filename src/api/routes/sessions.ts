// A user's browser sessions: the user sees their own, an admin anyone's; either may end them.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import type { CachedAuthenticator } from '../../auth/cached-authenticator';
import { revokeSessions, sessionEndsAt, type SessionTimeouts } from '../../auth/sessions';
import { z } from '../openapi';
import { defineRoute } from '../route';

const ZSessionSchema = z
  .object({
    id: z.uuid(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    /** When it ends if nothing else ends it first: the absolute end or the idle end, the earlier. */
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    active: z.boolean(),
    userAgent: z.string().nullable(),
    address: z.string().nullable(),
    /** The session this request was made with. */
    current: z.boolean(),
  })
  .openapi('Session');

const ZUserParams = z.object({ id: z.uuid() });
const ZSessionParams = z.object({ id: z.uuid(), sessionId: z.uuid() });

export function createSessionsRouter({
  prisma,
  registry,
  authenticator,
  timeouts,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
  authenticator: CachedAuthenticator;
  timeouts: SessionTimeouts;
}): Router {
  const router = Router();
  const mount = '/api';
  const tags = ['Sign-in'];
  const requireSelfOrAdmin = (user: { id: string; role: string }, id: string) => {
    if (user.role !== 'admin' && user.id !== id)
      throw new AppError('FORBIDDEN', 'only the user themself or an admin may do this');
  };

  defineRoute(router, registry, mount, {
    method: 'get',
    path: '/users/:id/sessions',
    summary: "A user's browser sessions, newest first (the last 100)",
    tags,
    params: ZUserParams,
    response: {
      status: 200,
      description: 'Sessions',
      schema: z.object({ sessions: z.array(ZSessionSchema) }),
    },
    handler: async ({ user, params }) => {
      requireSelfOrAdmin(user, params.id);
      const rows = await prisma.session.findMany({
        where: { userId: params.id },
        orderBy: { createdAt: 'desc' },
        take: 100,
      });
      const now = Date.now();
      return {
        body: {
          sessions: rows.map((s) => {
            const endsAt = sessionEndsAt(s, timeouts.idleMs);
            return {
              id: s.id,
              createdAt: s.createdAt.toISOString(),
              lastSeenAt: s.lastSeenAt.toISOString(),
              expiresAt: endsAt.toISOString(),
              revokedAt: s.revokedAt?.toISOString() ?? null,
              active: !s.revokedAt && endsAt.getTime() > now,
              userAgent: s.userAgent,
              address: s.address,
              current: user.via === 'session' && user.tokenId === s.id,
            };
          }),
        },
      };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'delete',
    path: '/users/:id/sessions/:sessionId',
    summary: 'End one session of the user (the user or an admin)',
    tags,
    params: ZSessionParams,
    response: { status: 204, description: 'Ended (or had already ended)' },
    handler: async ({ user, params }) => {
      requireSelfOrAdmin(user, params.id);
      const session = await prisma.session.findUnique({ where: { id: params.sessionId } });
      if (!session || session.userId !== params.id) throw new AppError('NOT_FOUND', 'session not found');
      await revokeSessions(prisma, { userId: params.id, sessionId: params.sessionId });
      authenticator.forgetToken(params.sessionId);
      return { status: 204 };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'delete',
    path: '/users/:id/sessions',
    summary: 'End every session of the user (the user or an admin); API tokens are not touched',
    tags,
    params: ZUserParams,
    response: { status: 204, description: 'Ended' },
    handler: async ({ user, params }) => {
      requireSelfOrAdmin(user, params.id);
      const ids = await revokeSessions(prisma, { userId: params.id });
      for (const id of ids) authenticator.forgetToken(id);
      return { status: 204 };
    },
  });

  return router;
}
