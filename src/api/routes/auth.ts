// Sign-in for people in a browser. Bearer API tokens stay for scripts and integrations.
//
// Public (before authentication): sign-in, sign-out, asking for a mailed sign-in link or a password
// reset. Each answers the same whatever the email: an unknown address, a wrong password, no
// password yet and an inactive account all get 401 SIGN_IN_FAILED after the same argon2 work, and
// the mail requests answer 202 before looking the address up at all.
// Authenticated: changing one's password, an admin inviting a user by mail.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { Router, type Request, type Response } from 'express';
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import type { Logger } from '../../logger';
import { issueAuthLink, retireAuthLinks, type TAuthLinkPurpose } from '../../auth/auth-links';
import { sendAuthMail, type AuthMailer } from '../../auth/auth-mail';
import type { CachedAuthenticator } from '../../auth/cached-authenticator';
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  SESSION_COOKIE,
  clearedCookies,
  csrfTokenFor,
  parseCookies,
  sameSecret,
  sessionCookies,
} from '../../auth/cookies';
import { assertPasswordAcceptable } from '../../auth/password-policy';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../../auth/passwords';
import { revokeSessions, startSession, type SessionTimeouts } from '../../auth/sessions';
import { createSignInLimiter, type SignInLimiter } from '../../auth/sign-in-limiter';
import { toUserDto } from '../../users/users';
import { ZUserSchema } from '../../users/schemas';
import { COMMON_ERRORS, defineRoute } from '../route';
import { ZErrorSchema, z } from '../openapi';
import { parseOrThrow } from '../validate';

export interface AuthOptions {
  sessions: SessionTimeouts;
  /** PUBLIC_BASE_URL is https. */
  secureCookies: boolean;
  publicBaseUrl: string;
  magicLinkTtlMs: number;
  resetTtlMs: number;
  invitationTtlMs: number;
  failuresPerAccount: number;
  failuresPerAddress: number;
  failureWindowMs: number;
  /** Requests per client address and minute to the mailed links' pages. */
  pageRateLimitPerMinute: number;
  mailer: Omit<AuthMailer, 'prisma'>;
}

export interface AuthRouterDeps {
  prisma: PrismaClient;
  registry: OpenAPIRegistry;
  authenticator: CachedAuthenticator;
  logger: Logger;
  bodyLimit: string;
  options: AuthOptions;
}

// Not an email check (any string is looked up, and simply finds nobody), but no NUL: PostgreSQL
// text cannot hold one, and a lookup must answer 400, never 500.
const ZEmail = z
  .string()
  .trim()
  .min(1)
  .max(320)
  .refine((email) => !email.includes('\0'), 'must not contain NUL')
  .openapi({ example: 'zhang.wei@example.com' });
// Long enough for any passphrase; the policy (for new passwords) says 256 characters at most.
const ZPassword = z.string().min(1).max(1024);

export const ZSignInSchema = z.object({ email: ZEmail, password: ZPassword }).strict().openapi('SignIn');
export const ZSignedInSchema = z
  .object({
    user: ZUserSchema,
    /** The psm_csrf cookie's value, to send back as X-CSRF-Token on every change. */
    csrfToken: z.string(),
    /** When the session ends at the latest (it ends earlier after the idle timeout). */
    expiresAt: z.string(),
  })
  .openapi('SignedIn');
const ZEmailOnlySchema = z.object({ email: ZEmail }).strict().openapi('EmailOnly');
const ZChangePasswordSchema = z
  .object({ currentPassword: ZPassword, newPassword: ZPassword })
  .strict()
  .openapi('ChangePassword');

const addressOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/**
 * A cross-site page must not sign a browser in or out (login CSRF): a browser's POST carries
 * Origin, which must be ours. Callers that send no Origin (curl, scripts) are not browsers.
 */
export function assertSameOrigin(req: Request, publicBaseUrl: string): void {
  const origin = req.get('origin');
  if (origin === undefined) return;
  // A form on a page whose Referrer-Policy hides the referrer posts with "Origin: null"; the
  // browser's own Sec-Fetch-Site (no page can set it) then says whether it came from us.
  if (origin === 'null' && req.get('sec-fetch-site') === 'same-origin') return;
  const ours = new Set([new URL(publicBaseUrl).origin, `${req.protocol}://${req.get('host') ?? ''}`]);
  if (!ours.has(origin)) throw new AppError('CSRF_FAILED', 'this request comes from another site');
}

function rateLimited(res: Response, seconds: number, what: string): AppError {
  res.setHeader('Retry-After', String(seconds));
  return new AppError('RATE_LIMITED', `too many ${what}; try again in ${seconds} s`, {
    retryAfterSeconds: seconds,
  });
}

/** Sets the cookies of a new session for `userId` and returns what the sign-in answers. */
export async function signBrowserIn(
  deps: Pick<AuthRouterDeps, 'prisma' | 'options'>,
  req: Request,
  res: Response,
  userId: string,
): Promise<{ csrfToken: string; expiresAt: Date }> {
  const session = await startSession(deps.prisma, {
    userId,
    userAgent: req.get('user-agent'),
    address: addressOf(req),
    timeouts: deps.options.sessions,
  });
  res.append('Set-Cookie', sessionCookies(session.secret, session.expiresAt, deps.options.secureCookies));
  return { csrfToken: csrfTokenFor(session.secret), expiresAt: session.expiresAt };
}

function registerPublic(
  registry: OpenAPIRegistry,
  spec: {
    path: string;
    summary: string;
    body: z.ZodType;
    response: { status: number; description: string; schema?: z.ZodType };
    errors?: number[];
  },
): void {
  const errors = [...new Set([...COMMON_ERRORS, ...(spec.errors ?? [])])].sort();
  registry.registerPath({
    method: 'post',
    path: `/api${spec.path}`,
    summary: spec.summary,
    tags: ['Sign-in'],
    security: [],
    request: { body: { content: { 'application/json': { schema: spec.body } } } },
    responses: {
      [spec.response.status]: {
        description: spec.response.description,
        ...(spec.response.schema
          ? { content: { 'application/json': { schema: spec.response.schema } } }
          : {}),
      },
      ...Object.fromEntries(
        errors.map((s) => [
          s,
          { description: 'Error', content: { 'application/json': { schema: ZErrorSchema } } },
        ]),
      ),
    },
  });
}

/** The routes a browser calls before it has a session. Mounted under /api before authentication. */
export function createPublicAuthRouter(deps: AuthRouterDeps & { limiter?: SignInLimiter }): Router {
  const { prisma, options, registry, logger } = deps;
  const router = Router();
  const limiter =
    deps.limiter ??
    createSignInLimiter(prisma, {
      scope: 'sign-in',
      perAccount: options.failuresPerAccount,
      perAddress: options.failuresPerAddress,
      windowMs: options.failureWindowMs,
    });
  // Mail requests: an account gets a few mails per window, an address a few dozen (mail bombing).
  const mailLimiter = createSignInLimiter(prisma, {
    scope: 'mail',
    perAccount: 3,
    perAddress: options.failuresPerAddress,
    windowMs: options.failureWindowMs,
  });
  const mailer: AuthMailer = {
    prisma,
    ...options.mailer,
    onError: (err, key) => {
      logger.warn({ err, key }, 'a sign-in mail could not be delivered yet; it stays in the outbox');
      options.mailer.onError?.(err, key);
    },
  };
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `Browser session; every change also needs the ${CSRF_COOKIE} cookie's value in X-CSRF-Token.`,
  });
  const json = express.json({ limit: deps.bodyLimit, strict: true });

  registerPublic(registry, {
    path: '/auth/sign-in',
    summary: 'Sign in with email and password: sets the psm_session and psm_csrf cookies',
    body: ZSignInSchema,
    response: { status: 200, description: 'Signed in', schema: ZSignedInSchema },
  });
  router.post('/auth/sign-in', json, async (req, res) => {
    assertSameOrigin(req, options.publicBaseUrl);
    const body = parseOrThrow(ZSignInSchema, req.body ?? {});
    const email = body.email.toLowerCase();
    const address = addressOf(req);
    const wait = await limiter.retryAfter(email, address);
    if (wait !== undefined) throw rateLimited(res, wait, 'failed sign-ins');
    const user = await prisma.user.findUnique({ where: { email } });
    const passwordOk = user?.passwordHash
      ? await verifyPassword(user.passwordHash, body.password)
      : await verifyAgainstDummy(body.password);
    if (!user || !user.active || !passwordOk) {
      await limiter.recordFailure(email, address);
      throw new AppError('SIGN_IN_FAILED', 'the email or the password is wrong');
    }
    await limiter.recordSuccess(email);
    if (user.passwordHash && needsRehash(user.passwordHash)) {
      await prisma.user.update({
        where: { id: user.id },
        data: { passwordHash: await hashPassword(body.password) },
      });
    }
    const signedIn = await signBrowserIn(deps, req, res, user.id);
    res.status(200).json({
      user: toUserDto(user),
      csrfToken: signedIn.csrfToken,
      expiresAt: signedIn.expiresAt.toISOString(),
    });
  });

  registerPublic(registry, {
    path: '/auth/sign-out',
    summary: 'End this browser session and clear its cookies (send X-CSRF-Token)',
    body: z.object({}).strict(),
    response: { status: 204, description: 'Signed out (also when there was no session)' },
  });
  router.post('/auth/sign-out', async (req, res) => {
    assertSameOrigin(req, options.publicBaseUrl);
    const cookies = parseCookies(req.headers.cookie);
    const secret = cookies[SESSION_COOKIE];
    const user = secret ? await deps.authenticator.authenticateSession(secret) : null;
    if (secret && user) {
      // Signing someone out is a change too: a cross-site form must not do it.
      const header = req.get(CSRF_HEADER);
      if (!sameSecret(header, cookies[CSRF_COOKIE]) || !sameSecret(header, csrfTokenFor(secret))) {
        throw new AppError('CSRF_FAILED', `send the ${CSRF_COOKIE} cookie's value in X-CSRF-Token`);
      }
      await revokeSessions(prisma, { userId: user.id, sessionId: user.tokenId });
      deps.authenticator.forgetToken(user.tokenId);
    }
    res.append('Set-Cookie', clearedCookies(options.secureCookies));
    res.status(204).end();
  });

  const mailRoute = (path: string, purpose: TAuthLinkPurpose, ttlMs: number, summary: string) => {
    registerPublic(registry, {
      path,
      summary,
      body: ZEmailOnlySchema,
      response: { status: 202, description: 'Accepted (whether or not the address has an account)' },
    });
    router.post(path, json, async (req, res) => {
      assertSameOrigin(req, options.publicBaseUrl);
      const email = parseOrThrow(ZEmailOnlySchema, req.body ?? {}).email.toLowerCase();
      const address = addressOf(req);
      const wait = await mailLimiter.retryAfter(email, address);
      if (wait !== undefined) throw rateLimited(res, wait, 'mail requests');
      await mailLimiter.recordFailure(email, address);
      // Answer first: how long the lookup and the mail take must not tell whether the account exists.
      res.status(202).json({});
      try {
        const user = await prisma.user.findUnique({ where: { email } });
        if (!user || !user.active) return;
        if (purpose === 'reset') await retireAuthLinks(prisma, { userId: user.id, purposes: ['reset'] });
        const link = await issueAuthLink(prisma, {
          purpose,
          userId: user.id,
          ttlMs,
          publicBaseUrl: options.publicBaseUrl,
        });
        await sendAuthMail(mailer, purpose, user, link);
      } catch (err) {
        logger.error({ err }, `could not prepare the ${purpose} mail`);
      }
    });
  };
  mailRoute(
    '/auth/magic-link',
    'sign_in',
    options.magicLinkTtlMs,
    'Mail a one-time sign-in link to this address, if it has an account',
  );
  mailRoute(
    '/auth/password-reset',
    'reset',
    options.resetTtlMs,
    'Mail a password-reset link to this address, if it has an account',
  );

  return router;
}

/** Authenticated: a person changes their password; an admin invites a user by mail. */
export function createAuthRouter(deps: AuthRouterDeps): Router {
  const { prisma, options, registry, logger } = deps;
  const router = Router();
  const mount = '/api';
  const mailer: AuthMailer = {
    prisma,
    ...options.mailer,
    onError: (err, key) => logger.warn({ err, key }, 'an invitation mail could not be delivered yet'),
  };
  const wrongPasswords = createSignInLimiter(prisma, {
    scope: 'password-change',
    perAccount: options.failuresPerAccount,
    perAddress: options.failuresPerAddress,
    windowMs: options.failureWindowMs,
  });

  defineRoute(router, registry, mount, {
    method: 'post',
    path: '/auth/password',
    summary: "Change one's own password; every other session of the user ends",
    tags: ['Sign-in'],
    body: ZChangePasswordSchema,
    response: { status: 204, description: 'Changed' },
    errors: [422],
    handler: async ({ user, body, req }) => {
      const address = addressOf(req);
      const wait = await wrongPasswords.retryAfter(user.email, address);
      if (wait !== undefined)
        throw new AppError('RATE_LIMITED', 'too many wrong passwords', { retryAfterSeconds: wait });
      const row = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
      const ok = row.passwordHash
        ? await verifyPassword(row.passwordHash, body.currentPassword)
        : await verifyAgainstDummy(body.currentPassword);
      if (!ok) {
        await wrongPasswords.recordFailure(user.email, address);
        throw new AppError('SIGN_IN_FAILED', 'the current password is wrong');
      }
      assertPasswordAcceptable(body.newPassword, row.email);
      const passwordHash = await hashPassword(body.newPassword);
      await prisma.user.update({
        where: { id: user.id },
        data: { passwordHash, passwordChangedAt: new Date() },
      });
      // Whoever else knew the old password is signed out; this browser (if it is one) stays in.
      await revokeSessions(prisma, {
        userId: user.id,
        ...(user.via === 'session' ? { exceptId: user.tokenId } : {}),
      });
      deps.authenticator.forgetUser(user.id);
      return { status: 204 };
    },
  });

  defineRoute(router, registry, mount, {
    method: 'post',
    path: '/users/:id/invitation',
    summary: 'Mail the user a one-time link to set their password (admin); earlier invitations stop working',
    tags: ['Sign-in'],
    params: z.object({ id: z.uuid() }),
    response: {
      status: 202,
      description: 'Invitation stored and being mailed',
      schema: z.object({ expiresAt: z.string() }),
    },
    errors: [404, 409],
    handler: async ({ user, params }) => {
      if (user.role !== 'admin') throw new AppError('FORBIDDEN', 'only an admin may invite');
      const invitee = await prisma.user.findUnique({ where: { id: params.id } });
      if (!invitee) throw new AppError('NOT_FOUND', 'user not found');
      if (!invitee.active) throw new AppError('CONFLICT', 'this user is deactivated: reactivate them first');
      await retireAuthLinks(prisma, { userId: invitee.id, purposes: ['invite'] });
      const link = await issueAuthLink(prisma, {
        purpose: 'invite',
        userId: invitee.id,
        ttlMs: options.invitationTtlMs,
        publicBaseUrl: options.publicBaseUrl,
      });
      await sendAuthMail(mailer, 'invite', invitee, link, { inviter: user.name });
      return { status: 202, body: { expiresAt: link.expiresAt.toISOString() } };
    },
  });

  return router;
}
