import type { RequestHandler } from 'express';
import type { AuthenticatedUser } from '../../auth/api-tokens';
import type { CachedAuthenticator } from '../../auth/cached-authenticator';
import { AppError } from '../../errors/app-error';

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthenticatedUser;
  }
}

export function authenticate(authenticator: CachedAuthenticator): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new AppError('UNAUTHENTICATED', 'missing Authorization: Bearer <token>'));
    const user = await authenticator.authenticate(match[1]!);
    if (!user) return next(new AppError('UNAUTHENTICATED', 'invalid, expired or revoked token'));
    req.user = user;
    next();
  };
}

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
