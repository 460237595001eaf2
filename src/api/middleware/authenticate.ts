import type { RequestHandler } from 'express';
import type { AuthenticatedUser } from '../../auth/api-tokens';
import type { CachedAuthenticator } from '../../auth/cached-authenticator';
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  SESSION_COOKIE,
  csrfTokenFor,
  parseCookies,
  sameSecret,
} from '../../auth/cookies';
import { AppError } from '../../errors/app-error';
import type { AddressLimiter } from './address-rate-limit';

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthenticatedUser;
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates the bearer token, or else the psm_session cookie. An address that failed too
 * often is refused (429) before its token is even looked up, so guessing tokens costs the
 * guesser, not the database. A change (any method but GET/HEAD/OPTIONS) made with the cookie must
 * carry X-CSRF-Token equal to the psm_csrf cookie and to the session's own CSRF value: another
 * site's page can make the browser send the cookie, but it can neither read nor forge the header.
 * Bearer calls need no CSRF token: no browser attaches an Authorization header by itself.
 */
export function authenticate(authenticator: CachedAuthenticator, failures: AddressLimiter): RequestHandler {
  return async (req, res, next) => {
    const wait = failures.retryAfter(req);
    if (wait !== undefined) {
      res.setHeader('Retry-After', String(wait));
      return next(new AppError('RATE_LIMITED', 'too many failed authentications from this address'));
    }
    const token = bearerToken(req.headers.authorization);
    if (token) {
      const user = await authenticator.authenticate(token);
      if (!user) {
        failures.count(req);
        return next(new AppError('UNAUTHENTICATED', 'invalid, expired or revoked token'));
      }
      req.user = user;
      return next();
    }
    const cookies = parseCookies(req.headers.cookie);
    const secret = cookies[SESSION_COOKIE];
    if (!secret) {
      failures.count(req);
      return next(
        new AppError(
          'UNAUTHENTICATED',
          'missing Authorization: Bearer <token> (or sign in: no session cookie)',
        ),
      );
    }
    const user = await authenticator.authenticateSession(secret);
    if (!user) {
      failures.count(req);
      return next(new AppError('UNAUTHENTICATED', 'the session has ended; sign in again'));
    }
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.get(CSRF_HEADER);
      if (!sameSecret(header, cookies[CSRF_COOKIE]) || !sameSecret(header, csrfTokenFor(secret))) {
        return next(new AppError('CSRF_FAILED', `send the ${CSRF_COOKIE} cookie's value in X-CSRF-Token`));
      }
    }
    req.user = user;
    next();
  };
}

// Tokens in URLs end up in access logs, browser history and proxies: refused, whatever their value.
const TOKEN_QUERY_KEYS = /^(access_token|token|api_key|apikey|api-key|bearer|authorization|auth)$/i;

/** 400 TOKEN_IN_QUERY for a query string that carries a token. */
export const refuseTokenInQuery: RequestHandler = (req, _res, next) => {
  const query = req.originalUrl.split('?', 2)[1];
  if (!query) return next();
  const params = new URLSearchParams(query);
  for (const [key, value] of params) {
    if (TOKEN_QUERY_KEYS.test(key) || /^psm_/i.test(value)) {
      return next(
        new AppError('TOKEN_IN_QUERY', 'send the API token in the Authorization header, never in the URL'),
      );
    }
  }
  next();
};

export function currentUser(req: { user?: AuthenticatedUser }): AuthenticatedUser {
  if (!req.user) throw new AppError('UNAUTHENTICATED', 'not authenticated');
  return req.user;
}

export function requireRole(...roles: AuthenticatedUser['role'][]): RequestHandler {
  return (req, _res, next) => {
    const user = currentUser(req);
    next(
      roles.includes(user.role)
        ? undefined
        : new AppError('FORBIDDEN', `requires role ${roles.join(' or ')}`),
    );
  };
}
