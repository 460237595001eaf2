// The weekly report as a mail: HTML through the escaping `html` tag (deal and account names are
// user input) and a plain-text part with the same content.
import { html, type SafeHtml } from '../../mail/html';
import type { ContentBlock, ContentTable, WeeklyReportContent } from './weekly-report-content';

export interface RenderedWeeklyReport {
  subject: string;
  html: string;
  text: string;
}

function tableHtml(t: ContentTable): SafeHtml {
  const align = (i: number) => (t.numeric.includes(i) ? 'right' : 'left');
  return html`<table cellpadding="4" cellspacing="0" style="border-collapse:collapse;margin:8px 0">
    <tr>
      ${t.headers.map((h, i) => html`<th align="${align(i)}" style="border-bottom:1px solid #d0d7de;color:#57606a;font-weight:normal">${h}</th>`)}
    </tr>
    ${t.rows.map(
      (r) =>
        html`<tr>
          ${r.map((c, i) => html`<td align="${align(i)}" style="border-bottom:1px solid #eaeef2">${c}</td>`)}
        </tr> `,
    )}
  </table>`;
}

const blockHtml = (b: ContentBlock): SafeHtml =>
  b.kind === 'text' ? html`<p>${b.text}</p>` : tableHtml(b.table);

function renderHtml(c: WeeklyReportContent): string {
  return html`<!doctype html>
    <html lang="${c.locale}">
      <head>
        <meta charset="utf-8" />
        <title>${c.subject}</title>
      </head>
      <body
        style="font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;color:#1f2328;line-height:1.5"
      >
        <h2>${c.heading}</h2>
        <p>${c.greeting}</p>
        <p>${c.intro}</p>
        ${c.sections.map(
          (s) =>
            html`<h3>${s.title}</h3>
              ${s.blocks.map(blockHtml)} `,
        )}
        <hr />
        <p style="color:#57606a;font-size:12px">${c.footer}</p>
      </body>
    </html> `.value;
}

function tableText(t: ContentTable): string[] {
  return [t.headers.join(' | '), ...t.rows.map((r) => r.join(' | '))].map((line) => `  ${line}`);
}

function renderText(c: WeeklyReportContent): string {
  const lines = [c.heading, '', c.greeting, '', c.intro];
  for (const s of c.sections) {
    lines.push('', `== ${s.title} ==`);
    for (const b of s.blocks) lines.push(...(b.kind === 'text' ? [b.text] : tableText(b.table)));
  }
  lines.push('', '-- ', c.footer, '');
  return lines.join('\n');
}

export function renderWeeklyReport(content: WeeklyReportContent): RenderedWeeklyReport {
  // Header values stay on one line whatever a name contains.
  const subject = [...content.subject]
    .map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? ' ' : ch))
    .join('')
    .trim();
  return { subject, html: renderHtml(content), text: renderText(content) };
}
