// One-click actions from email. GET only shows a confirmation page, because mail scanners and
// link previewers fetch every URL in a message; only the POST from that page acts.
//
// No CSRF token on the form: the signed, single-use token in the URL *is* the capability. A
// cross-site POST would need that token, and whoever has it may act anyway; there is no cookie
// session here for a forged request to ride on.
import { Router, type Request, type Response } from 'express';
import rateLimit from 'express-rate-limit';
import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import type { ActionLinks, VerifiedLink } from '../../links';
import { loadLinkSummary } from '../../links/summary';
import { confirmPage, errorPage, resultPage } from '../../links/pages';
import { localeFromDb, type TMailLocale } from '../../mail/locale';
import { toAppError } from '../../temporal/errors';
import type { EmailActionInput } from '../../opportunities/email-action';

export type { EmailActionInput };

export interface EmailActionsRouterOptions {
  prisma: PrismaClient;
  links: ActionLinks;
  /** Does the action (e.g. a Temporal Update). Throw AppError or a Temporal error to refuse. */
  perform(input: EmailActionInput): Promise<void>;
  /**
   * The logged-in user, if this request carries one; a link for someone else is then refused.
   * Default: `req.user?.id` as set by the API's authenticate middleware, when it ran.
   */
  actingUserId?(req: Request): string | undefined | Promise<string | undefined>;
  /** Where unexpected (500) failures are reported. */
  onError?(err: unknown): void;
  /**
   * Requests per client address and minute to the link pages (GET and POST together), after
   * which they answer 429. A person clicks a few links; someone trying tokens needs many.
   * Default 30.
   */
  rateLimitPerMinute?: number;
}

const ZTokenParamsSchema = z.object({ token: z.string().min(1).max(4096) });

const defaultActingUser = (req: Request): string | undefined =>
  (req as { user?: { id?: unknown } }).user?.id as string | undefined;

const browserLocale = (req: Request): TMailLocale =>
  req.acceptsLanguages('zh-CN', 'zh', 'en') === 'en' ? 'en' : 'zh-CN';

function sendPage(res: Response, status: number, body: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      // The URL is a credential: never cache the page or leak the URL as a Referer.
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    })
    .send(body);
}

export function createEmailActionsRouter(options: EmailActionsRouterOptions): Router {
  const { prisma, links } = options;
  const actingUserId = options.actingUserId ?? defaultActingUser;
  const router = Router();

  // Per address (req.ip, which honours the app's `trust proxy`), as the API's address limits do;
  // refused before any token is read, so a guesser learns nothing and costs no database work.
  router.use(
    '/email-actions',
    rateLimit({
      windowMs: 60_000,
      limit: options.rateLimitPerMinute ?? 30,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (req, res) => sendPage(res, 429, errorPage(browserLocale(req), 'RATE_LIMITED', undefined)),
    }),
  );

  function tokenOf(req: Request): string {
    const parsed = ZTokenParamsSchema.safeParse(req.params);
    if (!parsed.success) throw new AppError('TOKEN_INVALID', 'this link is not valid');
    return parsed.data.token;
  }

  /** The token user's language when the signature holds, otherwise the browser's. */
  async function localeFor(req: Request, token: string | undefined): Promise<TMailLocale> {
    const payload = token ? links.peek(token) : undefined;
    if (payload) {
      const user = await prisma.user
        .findUnique({ where: { id: payload.userId }, select: { locale: true } })
        .catch(() => null);
      if (user) return localeFromDb(user.locale);
    }
    return browserLocale(req);
  }

  async function refuse(req: Request, res: Response, token: string | undefined, err: unknown): Promise<void> {
    const appError = toAppError(err);
    if (appError.status >= 500 && appError.code !== 'SERVICE_UNAVAILABLE') options.onError?.(err);
    const detail = appError.status >= 500 ? undefined : appError.message;
    const locale = await localeFor(req, token);
    sendPage(res, appError.status, errorPage(locale, appError.code, detail, appError.details));
  }

  router.get('/email-actions/:token', async (req, res) => {
    let token: string | undefined;
    try {
      token = tokenOf(req);
      const link = await links.verify(token, { actingUserId: await actingUserId(req) });
      const summary = await loadLinkSummary(prisma, link.payload, link.user.locale);
      // Spare the click when the read model already knows; the workflow still decides on POST.
      if (
        link.payload.action !== 'acknowledge' &&
        summary.approvalStatus &&
        summary.approvalStatus !== 'pending'
      ) {
        throw new AppError('ALREADY_DECIDED', 'this approval has already been decided');
      }
      sendPage(res, 200, confirmPage(link.user.locale, link.payload.action, summary));
    } catch (err) {
      await refuse(req, res, token, err);
    }
  });

  router.post('/email-actions/:token', async (req, res) => {
    let token: string | undefined;
    try {
      token = tokenOf(req);
      // redeem claims the token before perform and releases it if perform throws: a double
      // submit gets TOKEN_USED, and a failed action leaves the link usable.
      const link: VerifiedLink = await links.redeem(
        token,
        { actingUserId: await actingUserId(req) },
        async (verified) => {
          const { action, subjectId, opportunityId, userId, jti } = verified.payload;
          await options.perform({ action, subjectId, opportunityId, userId, linkId: jti });
          return verified;
        },
      );
      const summary = await loadLinkSummary(prisma, link.payload, link.user.locale).catch(() => ({
        opportunityId: link.payload.opportunityId,
      }));
      sendPage(res, 200, resultPage(link.user.locale, link.payload.action, summary));
    } catch (err) {
      await refuse(req, res, token, err);
    }
  });

  return router;
}
