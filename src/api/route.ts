// Declares a route once: zod schemas parse the request (400 with the issues on failure), the same
// schemas document it in OpenAPI, and the handler returns what to send.
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Router } from 'express';
import type { z } from 'zod';
import { currentUser } from './middleware/authenticate';
import { parseOrThrow } from './validate';
import { ZErrorSchema, z as zod } from './openapi';
import { AppError } from '../errors/app-error';
import type { AuthenticatedUser } from '../auth/api-tokens';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Express path, e.g. /opportunities/:id */
  path: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Documented success response. */
  response: { status: number; description: string; schema?: z.ZodType };
  /** Other success statuses this route may answer (a repeated create, an accepted one). */
  otherResponses?: { status: number; description: string; schema?: z.ZodType }[];
  /** Error statuses of this route's own, besides COMMON_ERRORS (and 404 for a path with an id). */
  errors?: number[];
  idempotencyKey?: boolean;
  handler: (ctx: {
    user: AuthenticatedUser;
    params: z.infer<P>;
    query: z.infer<Q>;
    body: z.infer<B>;
    idempotencyKey: string | undefined;
    req: Request;
  }) => Promise<RouteResult>;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'Missing or invalid bearer token',
  403: 'Not allowed for this user',
  404: 'Not found',
  409: 'Conflict: already decided or conflicting state',
  413: 'Request body too large',
  422: 'Refused by a process rule; the reason and code are in the body',
  429: 'Rate limited (Retry-After says when to try again)',
  503: 'A dependency (database, workflow service or worker) is unavailable; retry after Retry-After seconds, a command with the same Idempotency-Key',
};

/**
 * What any /api route can answer, whatever it does: bad input, no or a bad token, a role or line
 * that may not, a body over the limit, the rate limit, and a dependency that is down.
 */
export const COMMON_ERRORS = [400, 401, 403, 413, 429, 503] as const;

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  router: Router,
  registry: OpenAPIRegistry,
  mountPath: string,
  spec: RouteSpec<P, Q, B>,
): void {
  const statuses = new Set<number>([
    ...COMMON_ERRORS,
    ...(spec.path.includes(':') ? [404] : []),
    ...(spec.errors ?? []),
  ]);
  const successes = [spec.response, ...(spec.otherResponses ?? [])];
  const config: RouteConfig = {
    method: spec.method,
    path: (mountPath + spec.path).replace(/:(\w+)/g, '{$1}'),
    summary: spec.summary,
    tags: spec.tags,
    security: [{ bearer: [] }],
    request: {
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } } } } : {}),
      ...(spec.idempotencyKey
        ? {
            headers: zod.object({
              'Idempotency-Key': zod
                .string()
                .regex(IDEMPOTENCY_KEY)
                .optional()
                .openapi({ description: 'Repeat a command safely: the same key returns the first result.' }),
            }),
          }
        : {}),
    },
    responses: {
      ...Object.fromEntries(
        successes.map((r) => [
          r.status,
          {
            description: r.description,
            ...(r.schema ? { content: { 'application/json': { schema: r.schema } } } : {}),
          },
        ]),
      ),
      ...Object.fromEntries(
        [...statuses].sort().map((s) => [
          s,
          {
            description: ERROR_DESCRIPTIONS[s] ?? 'Error',
            content: { 'application/json': { schema: ZErrorSchema } },
          },
        ]),
      ),
    },
  };
  registry.registerPath(config);

  router[spec.method](spec.path, async (req, res) => {
    const user = currentUser(req);
    const params = spec.params ? parseOrThrow(spec.params, req.params, 'params') : {};
    const query = spec.query ? parseOrThrow(spec.query, req.query, 'query') : {};
    const body = spec.body ? parseOrThrow(spec.body, req.body ?? {}, 'body') : {};
    const rawKey = req.get('Idempotency-Key');
    if (rawKey !== undefined && !IDEMPOTENCY_KEY.test(rawKey)) {
      throw new AppError('INVALID_INPUT', 'Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 _ . : -');
    }
    const result = await spec.handler({
      user,
      params: params as z.infer<P>,
      query: query as z.infer<Q>,
      body: body as z.infer<B>,
      idempotencyKey: rawKey,
      req,
    });
    for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
    const status = result.status ?? spec.response.status;
    if (result.body === undefined) res.status(status).end();
    else res.status(status).json(result.body);
  });
}
