// Limits by client address, for what happens before (or instead of) authentication: guessed tokens,
// /health, the one-click email-link pages. A fixed window per address, in memory (one API process
// per address space; behind a proxy, `trust proxy` decides which address counts).
import type { Request, RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';
import { AppError } from '../../errors/app-error';

export interface AddressLimiter {
  /** Seconds until this address may try again, or undefined when it is under the limit. */
  retryAfter(req: Request): number | undefined;
  /** Counts one event (a request, a failed token check) for this address. */
  count(req: Request): void;
}

export function createAddressLimiter(options: {
  limit: number;
  windowMs?: number;
  maxAddresses?: number;
}): AddressLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const windows = new LRUCache<string, { count: number; resetAt: number }>({
    max: options.maxAddresses ?? 50_000,
    ttl: windowMs,
  });
  const keyOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
  const current = (req: Request) => {
    const w = windows.get(keyOf(req));
    return w && w.resetAt > Date.now() ? w : undefined;
  };
  return {
    retryAfter(req) {
      const w = current(req);
      if (!w || w.count < options.limit) return undefined;
      return Math.max(1, Math.ceil((w.resetAt - Date.now()) / 1000));
    },
    count(req) {
      const w = current(req);
      if (w) w.count += 1;
      else windows.set(keyOf(req), { count: 1, resetAt: Date.now() + windowMs });
    },
  };
}

/** 429 RATE_LIMITED (with Retry-After) once an address exceeds `limit` requests in the window. */
export function addressRateLimit(options: { limit: number; windowMs?: number }): RequestHandler {
  const limiter = createAddressLimiter(options);
  return (req, res, next) => {
    const wait = limiter.retryAfter(req);
    if (wait !== undefined) {
      res.setHeader('Retry-After', String(wait));
      return next(new AppError('RATE_LIMITED', 'too many requests from this address; slow down'));
    }
    limiter.count(req);
    next();
  };
}
