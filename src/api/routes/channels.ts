// IM channel settings (issue 13): the channels this server offers, a user's ordered channels, and
// the group robots of a manager's line. Thin: parse, call src/notify/preferences, answer.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { ImConfig } from '../../config/im';
import type { PrismaClient } from '../../db/prisma';
import {
  ZChannelOptionsSchema,
  ZTeamRobotsSchema,
  ZUserChannelsSchema,
  channelOptions,
  getTeamRobots,
  getUserChannels,
  setTeamRobots,
  setUserChannels,
} from '../../notify/preferences';
import { z } from '../openapi';
import { defineRoute } from '../route';

const ZIdParams = z.object({ id: z.uuid() });

export function createChannelsRouter({
  prisma,
  registry,
  im,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
  im: ImConfig;
}): Router {
  const router = Router();
  const tags = ['Notification channels'];

  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/channels',
    tags,
    summary: 'IM channels and group robots configured on this server (names only, never secrets)',
    response: { status: 200, description: 'Configured channels', schema: ZChannelOptionsSchema },
    handler: async () => ({ body: channelOptions(im) }),
  });

  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/users/:id/channels',
    tags,
    params: ZIdParams,
    summary: "A user's IM channels in order of preference (the user, anyone above them, or an admin)",
    response: { status: 200, description: 'Channels', schema: ZUserChannelsSchema },
    handler: async ({ user, params }) => ({
      body: await getUserChannels({ prisma, actor: user, userId: params.id }),
    }),
  });

  defineRoute(router, registry, '/api', {
    method: 'put',
    path: '/users/:id/channels',
    tags,
    params: ZIdParams,
    body: ZUserChannelsSchema,
    summary: "Replace a user's IM channels (the user themself or an admin); email stays the fallback",
    response: { status: 200, description: 'Replaced', schema: ZUserChannelsSchema },
    handler: async ({ user, params, body }) => ({
      body: await setUserChannels({ prisma, actor: user, userId: params.id, channels: body }),
    }),
  });

  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/users/:id/team-robots',
    tags,
    params: ZIdParams,
    summary: "The group robots of a manager's line (that manager, anyone above them, or an admin)",
    response: { status: 200, description: 'Team robots', schema: ZTeamRobotsSchema },
    errors: [422],
    handler: async ({ user, params }) => ({
      body: await getTeamRobots({ prisma, actor: user, managerId: params.id }),
    }),
  });

  defineRoute(router, registry, '/api', {
    method: 'put',
    path: '/users/:id/team-robots',
    tags,
    params: ZIdParams,
    body: ZTeamRobotsSchema,
    summary:
      "Replace the group robots of a manager's line by their IM_ROBOTS names (that manager, anyone above, or an admin)",
    response: { status: 200, description: 'Replaced', schema: ZTeamRobotsSchema },
    errors: [422],
    handler: async ({ user, params, body }) => ({
      body: await setTeamRobots({ prisma, actor: user, managerId: params.id, robots: body, im }),
    }),
  });

  return router;
}
