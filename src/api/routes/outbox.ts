import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { subtreeUserIds } from '../../auth/reporting-line';
import { redactLinkTokens } from '../../links';
import { zKey } from '../../contracts/zod-fields';
import { z } from '../openapi';
import { defineRoute } from '../route';

const ZEmailSchema = z
  .object({
    id: z.uuid(),
    template: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    status: z.enum(['pending', 'sending', 'sent', 'failed', 'dead']),
    /** Resent after an attempt that may already have delivered it (same Message-ID). */
    possiblyDuplicated: z.boolean(),
    transport: z.string(),
    opportunityId: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('Email');

const ZOutboxQuery = z.object({
  opportunityId: zKey(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * The local outbox (and the log of sent mail): each user reads mail to people in their line. A
 * mail's one-click links act as its recipient, so only the recipient gets them intact; everyone
 * else (admin included) reads the mail with the link tokens cut.
 */
export function createOutboxRouter({
  prisma,
  registry,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
}): Router {
  const router = Router();
  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/outbox',
    summary: "Emails sent to the caller (admin: all; managers: their line); others' action links redacted",
    tags: ['Mail'],
    query: ZOutboxQuery,
    response: {
      status: 200,
      description: 'Emails, newest first',
      schema: z.object({ emails: z.array(ZEmailSchema) }),
    },
    handler: async ({ user, query }) => {
      const recipients = user.role === 'admin' ? undefined : await subtreeUserIds(prisma, user.id);
      const rows = await prisma.emailMessage.findMany({
        where: {
          ...(recipients ? { toUserId: { in: recipients } } : {}),
          ...(query.opportunityId ? { opportunityId: query.opportunityId } : {}),
        },
        orderBy: { createdAt: 'desc' },
        take: query.limit,
      });
      return {
        body: {
          emails: rows.map((m) => ({
            id: m.id,
            template: m.template,
            to: m.toAddress,
            subject: m.subject,
            text: m.toUserId === user.id ? m.text : redactLinkTokens(m.text),
            html: m.toUserId === user.id ? m.html : redactLinkTokens(m.html),
            status: m.status,
            possiblyDuplicated: m.possiblyDuplicated,
            transport: m.transport,
            opportunityId: m.opportunityId,
            createdAt: m.createdAt.toISOString(),
            sentAt: m.sentAt?.toISOString() ?? null,
          })),
        },
      };
    },
  });
  return router;
}
