// The small HTML pages behind one-click email links: confirm (GET), result and refusal (POST).
import type { ErrorCode } from '../errors/codes';
import { html, type SafeHtml } from '../mail/html';
import type { TMailLocale } from '../mail/locale';
import { rawMessage, refusalMessage, translator } from '../i18n';
import { COMMON_STRINGS } from '../mail/templates/strings';
import type { LinkSummary } from './summary';
import type { TLinkAction } from './token';

interface PageStrings {
  confirmTitle: Record<TLinkAction, string>;
  confirmButton: Record<TLinkAction, string>;
  confirmHint: string;
  doneTitle: Record<TLinkAction, string>;
  failedTitle: string;
  openDeal: string;
  /** The link page's own sentence for a code, if it has one. */
  error(code: ErrorCode): string | undefined;
  genericError: string;
}

const ACTIONS: TLinkAction[] = ['approve', 'reject', 'acknowledge'];

// The `links` catalog (src/i18n/locales/*/links.json).
function pageStrings(locale: TMailLocale): PageStrings {
  const t = translator(locale, 'links');
  const perAction = (group: string) =>
    Object.fromEntries(ACTIONS.map((a) => [a, t(`${group}.${a}`)])) as Record<TLinkAction, string>;
  return {
    confirmTitle: perAction('confirmTitle'),
    confirmButton: perAction('confirmButton'),
    confirmHint: t('confirmHint'),
    doneTitle: perAction('doneTitle'),
    failedTitle: t('failedTitle'),
    openDeal: t('openDeal'),
    error: (code) => rawMessage(locale, 'links', `errors.${code}`),
    genericError: t('genericError'),
  };
}

const STRINGS: Record<TMailLocale, PageStrings> = { 'zh-CN': pageStrings('zh-CN'), en: pageStrings('en') };

function page(locale: TMailLocale, title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title}</title>
        <style>
          body {
            font-family: -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif;
            max-width: 36rem;
            margin: 3rem auto;
            padding: 0 1rem;
            color: #1f2328;
            line-height: 1.5;
          }
          th {
            text-align: left;
            color: #57606a;
            font-weight: normal;
            padding-right: 1rem;
          }
          button {
            font-size: 1rem;
            padding: 0.5rem 1.5rem;
            border-radius: 6px;
            border: 0;
            background: #0969da;
            color: #fff;
            cursor: pointer;
          }
        </style>
      </head>
      <body>
        <h1>${title}</h1>
        ${body}
      </body>
    </html> `.value;
}

function summaryHtml(locale: TMailLocale, summary: LinkSummary): SafeHtml {
  const s = COMMON_STRINGS[locale];
  const rows: Array<[string, string]> = [];
  if (summary.deal) {
    rows.push(
      [s.deal, summary.deal.name],
      [s.account, summary.deal.account],
      [s.amount, summary.deal.amount],
      [s.stage, summary.deal.stage],
    );
  }
  const a = summary.approval;
  if (a) {
    rows.push([s.approval, s.approvalKind[a.kind as keyof typeof s.approvalKind] ?? a.kind]);
    if (a.milestone) rows.push([s.milestone, a.milestone]);
    if (a.amount) rows.push([s.amount, a.amount]);
    if (a.reason) rows.push([s.reason, a.reason]);
    rows.push([s.status, s.approvalStatus[a.status as keyof typeof s.approvalStatus] ?? a.status]);
  }
  const dealLink = `/#/opportunities/${encodeURIComponent(summary.opportunityId)}`;
  return html`${
      rows.length
        ? html`<table>
            ${rows.map(
              ([l, v]) =>
                html`<tr>
                  <th>${l}</th>
                  <td>${v}</td>
                </tr>`,
            )}
          </table>`
        : ''
    }
    <p><a href="${dealLink}">${STRINGS[locale].openDeal}</a></p>`;
}

export function confirmPage(locale: TMailLocale, action: TLinkAction, summary: LinkSummary): string {
  const t = STRINGS[locale];
  // No `action` attribute: the form posts back to this same URL, whose token is the capability.
  return page(
    locale,
    t.confirmTitle[action],
    html`${summaryHtml(locale, summary)}
      <form method="post"><button type="submit">${t.confirmButton[action]}</button></form>
      <p><small>${t.confirmHint}</small></p>`,
  );
}

export function resultPage(locale: TMailLocale, action: TLinkAction, summary: LinkSummary): string {
  return page(locale, STRINGS[locale].doneTitle[action], summaryHtml(locale, summary));
}

/**
 * The link page's own sentence for the code, else (when the route has a reason to show, i.e. not a
 * server failure) the refusal's message in the reader's language from the errors catalog, built
 * from `details` when given; never the developer's English `detail` text.
 */
export function errorPage(
  locale: TMailLocale,
  code: ErrorCode,
  detail: string | undefined,
  details?: unknown,
): string {
  const t = STRINGS[locale];
  const known = t.error(code);
  const message = known ?? (detail === undefined ? t.genericError : refusalMessage(locale, code, details));
  return page(
    locale,
    t.failedTitle,
    html`<p>${message}</p>
      <p><small>${code}</small></p>`,
  );
}
