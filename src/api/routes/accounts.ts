// Accounts (客户) and contacts, with CSV import and export (issue 11). Claims, assignment and the
// journal are the account workflow's routes (C2); the pool search is routes/pool.ts.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { Router, type Request, type Response } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import {
  ACCOUNT_LIMITS,
  ZAccountListQuerySchema,
  ZAccountPageSchema,
  ZAccountParams,
  ZAccountSchema,
  ZContactInputSchema,
  ZContactParams,
  ZContactPatchSchema,
  ZContactSchema,
  ZCreateAccountSchema,
  ZExportQuerySchema,
  ZImportQuerySchema,
  ZImportReportSchema,
  ZPatchAccountSchema,
} from '../../customers/account-schemas';
import {
  addContact,
  createAccount,
  deleteContact,
  getAccount,
  listAccounts,
  listContacts,
  patchAccount,
  patchContact,
} from '../../customers/accounts';
import { exportAccounts, importAccounts } from '../../customers/account-csv';
import { currentUser } from '../middleware/authenticate';
import { isMultipart, readMultipartFile } from '../multipart-file';
import { callerLocale } from '../middleware/errors';
import { ZErrorSchema, z } from '../openapi';
import { COMMON_ERRORS, defineRoute } from '../route';
import { parseOrThrow } from '../validate';

const CSV_TYPES = [
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
];

function errorResponses(statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: 'Error', content: { 'application/json': { schema: ZErrorSchema } } },
    ]),
  );
}

export function createAccountsRouter({
  prisma,
  registry,
}: {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
}): Router {
  const router = Router();
  const tags = ['Accounts'];

  // Import and export first: /accounts/import and /accounts/export.csv are not account ids.
  registry.registerPath({
    method: 'post',
    path: '/api/accounts/import',
    summary:
      'Import accounts and contacts from CSV (UTF-8 with or without BOM, or GB18030), sent as the raw body or as the file field of a multipart/form-data form: dryRun=true (default) reports per line what would be created, merged or refused; dryRun=false writes it, idempotent per importer and file',
    tags,
    security: [{ bearer: [] }],
    request: {
      query: ZImportQuerySchema,
      body: {
        description:
          'The CSV file: the raw body (text/csv), or a multipart/form-data field named file (curl -F file=@accounts.csv)',
        content: {
          'text/csv': { schema: z.string() },
          'multipart/form-data': {
            schema: z.object({
              file: z.string().openapi({ format: 'binary', description: 'The CSV file' }),
            }),
          },
        },
        required: true,
      },
    },
    responses: {
      200: { description: 'The report', content: { 'application/json': { schema: ZImportReportSchema } } },
      ...errorResponses([...COMMON_ERRORS]),
    },
  });
  router.post(
    '/accounts/import',
    // The raw body for any type but multipart, which the handler streams through busboy.
    express.raw({ type: (req) => !isMultipart(req), limit: ACCOUNT_LIMITS.importBytes }),
    async (req: Request, res: Response) => {
      const user = currentUser(req);
      const query = parseOrThrow(ZImportQuerySchema, req.query, 'query');
      const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type && type !== 'multipart/form-data' && !CSV_TYPES.includes(type)) {
        throw new AppError('INVALID_INPUT', `send the file as text/csv or multipart/form-data, not ${type}`, [
          { path: 'body', message: 'unsupported content type', rule: 'custom' },
        ]);
      }
      const bytes = isMultipart(req)
        ? await readMultipartFile(req, 'file', ACCOUNT_LIMITS.importBytes)
        : Buffer.isBuffer(req.body)
          ? req.body
          : Buffer.alloc(0);
      const report = await importAccounts(prisma, user, {
        bytes,
        dryRun: query.dryRun,
        locale: callerLocale(req),
      });
      res.status(200).json(report);
    },
  );

  registry.registerPath({
    method: 'get',
    path: '/api/accounts/export.csv',
    summary: 'The accounts the list shows (same filters), with their contacts, as CSV (UTF-8 with BOM)',
    tags,
    security: [{ bearer: [] }],
    request: { query: ZExportQuerySchema },
    responses: {
      200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
      ...errorResponses([...COMMON_ERRORS]),
    },
  });
  router.get('/accounts/export.csv', async (req: Request, res: Response) => {
    const user = currentUser(req);
    const query = parseOrThrow(ZExportQuerySchema, req.query, 'query');
    const csv = await exportAccounts(prisma, user, query);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="accounts.csv"');
    res.status(200).send(csv);
  });

  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/accounts',
    tags,
    query: ZAccountListQuerySchema,
    summary:
      'Accounts the caller may see (rep: the pool and their own; manager/director: the pool and their line; admin: all), by normalised name, paged by cursor',
    response: { status: 200, description: 'A page', schema: ZAccountPageSchema },
    handler: async ({ user, query }) => ({ body: await listAccounts(prisma, user, query) }),
  });

  defineRoute(router, registry, '/api', {
    method: 'post',
    path: '/accounts',
    tags,
    body: ZCreateAccountSchema,
    summary:
      'Create an account (into the public pool) with its contacts; 409 ACCOUNT_DUPLICATE when the credit code or normalised name exists (who holds it is masked outside their line)',
    response: { status: 201, description: 'Created', schema: ZAccountSchema },
    errors: [409],
    handler: async ({ user, body }) => ({ status: 201, body: await createAccount(prisma, user, body) }),
  });

  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/accounts/:id',
    tags,
    params: ZAccountParams,
    summary:
      'An account with its contacts and the deals the caller may see; masked (name and "held by a colleague" only) when held outside the caller\'s line',
    response: { status: 200, description: 'The account', schema: ZAccountSchema },
    handler: async ({ user, params }) => ({ body: await getAccount(prisma, user, params.id) }),
  });

  defineRoute(router, registry, '/api', {
    method: 'patch',
    path: '/accounts/:id',
    tags,
    params: ZAccountParams,
    body: ZPatchAccountSchema,
    summary:
      "Change an account's fields (rep: their own; manager/director: the pool and their line; admin: all); 409 when the new name or credit code is another account's",
    response: { status: 200, description: 'The account', schema: ZAccountSchema },
    errors: [409],
    handler: async ({ user, params, body }) => ({ body: await patchAccount(prisma, user, params.id, body) }),
  });

  defineRoute(router, registry, '/api', {
    method: 'get',
    path: '/accounts/:id/contacts',
    tags,
    params: ZAccountParams,
    summary: "An account's contacts (not for an account held outside the caller's line)",
    response: {
      status: 200,
      description: 'Contacts',
      schema: z.object({ contacts: z.array(ZContactSchema) }),
    },
    handler: async ({ user, params }) => ({
      body: { contacts: await listContacts(prisma, user, params.id) },
    }),
  });

  defineRoute(router, registry, '/api', {
    method: 'post',
    path: '/accounts/:id/contacts',
    tags,
    params: ZAccountParams,
    body: ZContactInputSchema,
    summary: 'Add a contact to an account the caller may change',
    response: { status: 201, description: 'Created', schema: ZContactSchema },
    handler: async ({ user, params, body }) => ({
      status: 201,
      body: await addContact(prisma, user, params.id, body),
    }),
  });

  defineRoute(router, registry, '/api', {
    method: 'patch',
    path: '/contacts/:id',
    tags,
    params: ZContactParams,
    body: ZContactPatchSchema,
    summary: 'Change a contact of an account the caller may change',
    response: { status: 200, description: 'The contact', schema: ZContactSchema },
    handler: async ({ user, params, body }) => ({ body: await patchContact(prisma, user, params.id, body) }),
  });

  defineRoute(router, registry, '/api', {
    method: 'delete',
    path: '/contacts/:id',
    tags,
    params: ZContactParams,
    summary: 'Remove a contact of an account the caller may change',
    response: { status: 204, description: 'Removed' },
    handler: async ({ user, params }) => {
      await deleteContact(prisma, user, params.id);
      return { status: 204 };
    },
  });

  return router;
}
