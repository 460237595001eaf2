// /auth/magic/:token, /auth/invite/:token, /auth/reset/:token: the pages mailed links open.
// GET only checks the link and shows a form (mail scanners and link previews fetch every URL);
// the POST from that form uses it, once, and signs the browser in (303 to the app).
import express, { Router, type Request, type Response } from 'express';
import rateLimit from 'express-rate-limit';
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import { localeFromAcceptLanguage, resolveLocale, type TLocale } from '../../i18n';
import type { Logger } from '../../logger';
import {
  AUTH_LINK_PATHS,
  authLinkLocale,
  checkAuthLink,
  claimAuthLink,
  retireAuthLinks,
  type CheckedAuthLink,
  type TAuthLinkPurpose,
} from '../../auth/auth-links';
import type { CachedAuthenticator } from '../../auth/cached-authenticator';
import { linkErrorPage, linkPage, type PageRefusal } from '../../auth/pages';
import { assertPasswordAcceptable } from '../../auth/password-policy';
import { hashPassword } from '../../auth/passwords';
import { revokeSessions } from '../../auth/sessions';
import { toHttpError } from '../middleware/errors';
import { assertSameOrigin, signBrowserIn, type AuthOptions } from './auth';

export interface AuthPagesDeps {
  prisma: PrismaClient;
  authenticator: CachedAuthenticator;
  logger: Logger;
  options: AuthOptions;
  /** Requests per client address and minute to these pages (GET and POST together). */
  rateLimitPerMinute: number;
}

function sendPage(res: Response, status: number, body: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      // The URL is a credential: never cache the page or leak the URL as a Referer to anyone else.
      // same-origin, not no-referrer: with no-referrer Chromium posts the page's own form with
      // "Origin: null", which the same-origin check would have to take on trust.
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'same-origin',
      'X-Robots-Tag': 'noindex',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    })
    .send(body);
}

const browserLocale = (req: Request): TLocale =>
  localeFromAcceptLanguage(req.get('accept-language')) ?? 'zh-CN';

export function createAuthPagesRouter(deps: AuthPagesDeps): Router {
  const { prisma, options } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

  router.use(
    '/auth',
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (req, res) => sendPage(res, 429, linkErrorPage(browserLocale(req), { code: 'RATE_LIMITED' })),
    }),
  );

  const refuse = async (req: Request, res: Response, link: CheckedAuthLink | undefined, err: unknown) => {
    const appError = toHttpError(err);
    if (appError.status >= 500) deps.logger.error({ err }, 'a mailed sign-in link failed');
    const token = typeof req.params.token === 'string' ? req.params.token : '';
    const owner = link ? link.user.locale : await authLinkLocale(prisma, token).catch(() => undefined);
    const locale = owner ? resolveLocale(owner) : browserLocale(req);
    const details = (appError.details ?? undefined) as Record<string, unknown> | undefined;
    sendPage(res, appError.status, linkErrorPage(locale, { code: appError.code, details }));
  };

  const tokenOf = (req: Request): string => {
    const token = req.params.token;
    if (typeof token !== 'string' || token.length > 200)
      throw new AppError('TOKEN_INVALID', 'this link is not valid');
    return token;
  };

  for (const purpose of Object.keys(AUTH_LINK_PATHS) as TAuthLinkPurpose[]) {
    const path = `/auth/${AUTH_LINK_PATHS[purpose]}/:token`;

    router.get(path, async (req, res) => {
      let link: CheckedAuthLink | undefined;
      try {
        link = await checkAuthLink(prisma, purpose, tokenOf(req));
        sendPage(res, 200, linkPage(resolveLocale(link.user.locale), purpose, link.user));
      } catch (err) {
        await refuse(req, res, link, err);
      }
    });

    router.post(path, form, async (req, res) => {
      let link: CheckedAuthLink | undefined;
      try {
        assertSameOrigin(req, options.publicBaseUrl);
        link = await checkAuthLink(prisma, purpose, tokenOf(req));
        const checked = link;
        if (purpose === 'sign_in') {
          await claimAuthLink(prisma, checked.id);
        } else {
          const body = (req.body ?? {}) as Record<string, unknown>;
          const password = typeof body.password === 'string' ? body.password : '';
          const refusal = passwordRefusal(password, body.repeat, checked.user.email);
          if (refusal) {
            // The link stays unused: the person corrects the password on the same page.
            sendPage(res, 422, linkPage(resolveLocale(checked.user.locale), purpose, checked.user, refusal));
            return;
          }
          const passwordHash = await hashPassword(password);
          await prisma.$transaction(async (tx) => {
            await claimAuthLink(tx, checked.id);
            await tx.user.update({
              where: { id: checked.user.id },
              data: { passwordHash, passwordChangedAt: new Date() },
            });
            // The new password supersedes every other set-password link the user holds.
            await retireAuthLinks(tx, { userId: checked.user.id, purposes: ['invite', 'reset'] });
          });
          // A new password ends every session: whoever used the old one is out.
          await revokeSessions(prisma, { userId: checked.user.id });
          deps.authenticator.forgetUser(checked.user.id);
        }
        await signBrowserIn(deps, req, res, checked.user.id);
        res.redirect(303, '/');
      } catch (err) {
        await refuse(req, res, link, err);
      }
    });
  }
  return router;
}

function passwordRefusal(password: string, repeat: unknown, email: string): PageRefusal | undefined {
  if (password !== repeat) return { code: 'PASSWORDS_DIFFER' };
  try {
    assertPasswordAcceptable(password, email);
    return undefined;
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, details: err.details as Record<string, unknown> };
    throw err;
  }
}
