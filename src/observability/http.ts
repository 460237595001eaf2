// The HTTP edge of observability: one middleware that counts and times every request by its route
// PATTERN (never the raw URL: ids and email-action tokens must not become label values or span
// names) and, when tracing is on, makes the request's server span the active context; and the
// token-guarded /metrics handler.
import { createHash, timingSafeEqual } from 'node:crypto';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';
import { httpRequestDuration, httpRequestsTotal } from './metrics';

/** The matched route's pattern (`/api/opportunities/:id`), or "other" (static files, 404, refused before routing). */
export function routePattern(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'other';
}

export function observeHttp(opts: { tracing: boolean }): RequestHandler {
  const tracer = trace.getTracer('psm-http');
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const span = opts.tracing
      ? tracer.startSpan(
          `${req.method}`,
          { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
          propagation.extract(context.active(), req.headers),
        )
      : undefined;
    res.once('finish', () => {
      const route = routePattern(req);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      httpRequestsTotal.inc(labels);
      httpRequestDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      if (span) {
        span.updateName(`${req.method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
    if (!span) return next();
    const active = trace.setSpan(context.active(), span);
    // Body parsing and the answer run in stream callbacks: bind them to the request's span too
    // (as @opentelemetry/instrumentation-http does), so every later log line carries its trace id.
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** GET /metrics with `Authorization: Bearer <METRICS_TOKEN>`; anything else is 401. */
export function metricsHandler(opts: { token: string; registry: Registry }): RequestHandler {
  const expected = digest(opts.token);
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).type('text/plain').send('metrics need the METRICS_TOKEN bearer token\n');
      return;
    }
    try {
      const body = await opts.registry.metrics();
      res.setHeader('Cache-Control', 'no-store');
      res.type(opts.registry.contentType).send(body);
    } catch (err) {
      next(err);
    }
  };
}
