// One layout for every notification, so the deal facts, links and escaping are identical
// across templates and a template only decides its subject and sentences.
import { html, safeUrl, type SafeHtml } from '../html';
import { formatAmount, formatDateTime } from '../locale';
import { criterionLabel, milestoneName } from '../milestones';
import { COMMON_STRINGS, type CommonStrings } from './strings';
import type { MailBody, MailContext, RenderedMail, TMailAction } from './types';

const ACTION_ORDER: TMailAction[] = ['approve', 'reject', 'acknowledge'];
const ACTION_COLOURS: Record<TMailAction, string> = {
  approve: '#1a7f37',
  reject: '#cf222e',
  acknowledge: '#0969da',
};

type Row = [label: string, value: string];

function dealRows(ctx: MailContext, s: CommonStrings): Row[] {
  const d = ctx.deal;
  return [
    [s.deal, d.name],
    [s.account, d.account],
    [s.amount, formatAmount(d.amount, d.currency, ctx.locale)],
    [s.stage, milestoneName(d.milestone, ctx.locale)],
    [s.daysInStage, s.days(d.daysInStage)],
    [
      s.lastActivity,
      d.lastActivityAt ? formatDateTime(d.lastActivityAt, ctx.locale, ctx.timeZone) : s.noActivity,
    ],
  ];
}

function person(ctx: MailContext, id: string | null, s: CommonStrings): string {
  return id ? (ctx.people[id] ?? s.unknownPerson) : s.unknownPerson;
}

function approvalRows(ctx: MailContext, s: CommonStrings): Row[] {
  const a = ctx.approval;
  if (!a) return [];
  const rows: Row[] = [[s.approval, s.approvalKind[a.kind]]];
  if (a.milestone) rows.push([s.milestone, milestoneName(a.milestone, ctx.locale)]);
  if (a.amount !== null) rows.push([s.amount, formatAmount(a.amount, ctx.deal.currency, ctx.locale)]);
  if (a.reason) rows.push([s.reason, a.reason]);
  rows.push([s.requestedBy, person(ctx, a.requestedById, s)]);
  rows.push([s.requestedAt, formatDateTime(a.requestedAt, ctx.locale, ctx.timeZone)]);
  rows.push([s.approver, person(ctx, a.approverId, s)]);
  rows.push([s.status, s.approvalStatus[a.status]]);
  if (a.decidedById) rows.push([s.decidedBy, person(ctx, a.decidedById, s)]);
  if (a.comment) rows.push([s.comment, a.comment]);
  return rows;
}

function actionLinks(ctx: MailContext): Array<[TMailAction, string]> {
  return ACTION_ORDER.flatMap((a) => {
    const url = ctx.links[a];
    return url ? [[a, safeUrl(url)] as [TMailAction, string]] : [];
  });
}

function tableHtml(rows: Row[]): SafeHtml {
  return html`<table role="presentation" cellpadding="4" cellspacing="0" style="border-collapse:collapse">
    ${rows.map(
      ([label, value]) =>
        html`<tr>
          <th align="left" style="color:#57606a;font-weight:normal;padding-right:16px">${label}</th>
          <td>${value}</td>
        </tr>`,
    )}
  </table>`;
}

function renderHtml(ctx: MailContext, body: MailBody, s: CommonStrings): string {
  const missing = ctx.deal.missingCriteria.map((c) => criterionLabel(c, ctx.locale));
  const actions = actionLinks(ctx);
  const lang = ctx.locale;
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <title>${body.subject}</title>
      </head>
      <body
        style="font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;color:#1f2328;line-height:1.5"
      >
        <h2>${body.heading}</h2>
        <p>${s.greeting(ctx.recipientName)}</p>
        ${body.paragraphs.map((p) => html`<p>${p}</p> `)} ${tableHtml(dealRows(ctx, s))}
        <p><strong>${s.missingCriteria}</strong></p>
        ${
          missing.length
            ? html`<ul>
                ${missing.map((m) => html`<li>${m}</li>`)}
              </ul>`
            : html`<p>${s.noneMissing}</p>`
        }
        ${ctx.deal.noSponsorWarning ? html`<p style="color:#9a6700;font-weight:bold">${s.noSponsor}</p>` : ''}
        ${
          body.showApproval && ctx.approval
            ? html`<h3>${s.approval}</h3>
                ${tableHtml(approvalRows(ctx, s))}`
            : ''
        }
        ${
          actions.length
            ? html`<p>
                  ${actions.map(
                    ([a, url]) =>
                      html`<a
                        href="${url}"
                        style="display:inline-block;margin-right:12px;padding:8px 16px;border-radius:6px;color:#fff;text-decoration:none;background:${ACTION_COLOURS[a]}"
                        >${s.actions[a]}</a
                      >`,
                  )}
                </p>
                <p style="color:#57606a;font-size:12px">${s.actionsHint}</p>`
            : ''
        }
        <p><a href="${safeUrl(ctx.links.deal)}">${s.openDeal}</a></p>
        <hr />
        <p style="color:#57606a;font-size:12px">${s.footer}</p>
      </body>
    </html> `.value;
}

function renderText(ctx: MailContext, body: MailBody, s: CommonStrings): string {
  const missing = ctx.deal.missingCriteria.map((c) => criterionLabel(c, ctx.locale));
  const lines: string[] = [
    body.heading,
    '',
    s.greeting(ctx.recipientName),
    '',
    ...body.paragraphs.flatMap((p) => [p, '']),
  ];
  lines.push(...dealRows(ctx, s).map(([l, v]) => `${l}: ${v}`));
  lines.push(
    `${s.missingCriteria}:${missing.length ? '' : ` ${s.noneMissing}`}`,
    ...missing.map((m) => `  - ${m}`),
  );
  if (ctx.deal.noSponsorWarning) lines.push('', s.noSponsor);
  if (body.showApproval && ctx.approval)
    lines.push('', `[${s.approval}]`, ...approvalRows(ctx, s).map(([l, v]) => `${l}: ${v}`));
  const actions = actionLinks(ctx);
  if (actions.length) lines.push('', ...actions.map(([a, url]) => `${s.actions[a]}: ${url}`), s.actionsHint);
  lines.push('', `${s.openDeal}: ${ctx.links.deal}`, '', '-- ', s.footer, '');
  return lines.join('\n');
}

/** Header values must stay on one line whatever a deal name contains. */
function oneLine(text: string): string {
  return [...text]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
}

export function renderLayout(ctx: MailContext, body: MailBody): RenderedMail {
  const s = COMMON_STRINGS[ctx.locale];
  return { subject: oneLine(body.subject), html: renderHtml(ctx, body, s), text: renderText(ctx, body, s) };
}
