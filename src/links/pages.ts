// The small HTML pages behind one-click email links: confirm (GET), result and refusal (POST).
import type { ErrorCode } from '../errors/codes';
import { html, type SafeHtml } from '../mail/html';
import type { TMailLocale } from '../mail/locale';
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
  errors: Partial<Record<ErrorCode, string>>;
  genericError: string;
}

const STRINGS: Record<TMailLocale, PageStrings> = {
  'zh-CN': {
    confirmTitle: { approve: '确认批准？', reject: '确认驳回？', acknowledge: '确认已知悉？' },
    confirmButton: { approve: '批准', reject: '驳回', acknowledge: '已知悉' },
    confirmHint: '点击按钮后才会执行；此链接只能使用一次。',
    doneTitle: { approve: '已批准', reject: '已驳回', acknowledge: '已确认知悉' },
    failedTitle: '操作未能完成',
    openDeal: '打开商机',
    errors: {
      TOKEN_INVALID: '此链接无效：它可能被修改过，或并非由本系统发出。',
      TOKEN_EXPIRED: '此链接已过期。请在系统中打开该商机进行操作。',
      TOKEN_USED: '此链接已经使用过，不能再次使用。',
      FORBIDDEN: '您无权使用此链接：它是发给其他用户的，或该用户已停用。',
      ALREADY_DECIDED: '该审批已经处理过了。',
      NOT_APPROVER: '您不是该审批的审批人。',
      SELF_APPROVAL: '您不能审批自己提交的申请，它已交由上一级审批。',
      SERVICE_UNAVAILABLE: '系统暂时无法处理，请稍后重试；此链接仍然有效。',
      RATE_LIMITED: '请求过于频繁，请一分钟后再试；此链接仍然有效。',
    },
    genericError: '请稍后重试，或在系统中打开该商机进行操作。',
  },
  en: {
    confirmTitle: {
      approve: 'Approve this request?',
      reject: 'Reject this request?',
      acknowledge: 'Acknowledge this escalation?',
    },
    confirmButton: { approve: 'Approve', reject: 'Reject', acknowledge: 'Acknowledge' },
    confirmHint: 'Nothing happens until you press the button. This link works once.',
    doneTitle: { approve: 'Approved', reject: 'Rejected', acknowledge: 'Acknowledged' },
    failedTitle: 'The action was not completed',
    openDeal: 'Open the deal',
    errors: {
      TOKEN_INVALID: 'This link is not valid: it was altered or was not sent by this system.',
      TOKEN_EXPIRED: 'This link has expired. Please open the deal in the app instead.',
      TOKEN_USED: 'This link has already been used and cannot be used again.',
      FORBIDDEN: 'You cannot use this link: it was sent to another user, or that user is no longer active.',
      ALREADY_DECIDED: 'This approval has already been decided.',
      NOT_APPROVER: 'You are not the approver of this request.',
      SELF_APPROVAL: 'You cannot decide a request you made yourself; it goes to the next level up.',
      SERVICE_UNAVAILABLE:
        'The system cannot process this right now; please try again later. The link is still valid.',
      RATE_LIMITED:
        'Too many requests from your network; please try again in a minute. The link is still valid.',
    },
    genericError: 'Please try again later, or open the deal in the app.',
  },
};

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

/** `detail` is shown only for codes without a fixed sentence (e.g. a workflow's refusal reason). */
export function errorPage(locale: TMailLocale, code: ErrorCode, detail: string | undefined): string {
  const t = STRINGS[locale];
  const known = t.errors[code];
  return page(
    locale,
    t.failedTitle,
    html`<p>${known ?? detail ?? t.genericError}</p>
      <p><small>${code}</small></p>`,
  );
}
