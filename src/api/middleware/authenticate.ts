import type { RequestHandler } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { authenticateApiToken, type AuthenticatedUser } from '../../auth/api-tokens';
import { AppError } from '../../errors/app-error';

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthenticatedUser;
  }
}

export function authenticate(prisma: PrismaClient): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new AppError('UNAUTHENTICATED', 'missing Authorization: Bearer <token>'));
    const user = await authenticateApiToken(prisma, match[1]!);
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
