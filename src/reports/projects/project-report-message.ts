// The weekly project report as an IM message (issue 14): the mail's content in the recipient's
// language as shared-subset markdown, sized to the channel like the weekly report's message, with
// a link to the deal's project report in the web app. Strings in the `project-report` catalog.
import { translator } from '../../i18n';
import { POST_MARKDOWN_BYTES } from '../../notify/budgets';
import type { ChannelKind, ChannelPayload } from '../../notify/channel';
import { escapeMarkdown } from '../../notify/render';
import type { WeeklyReportContent } from '../weekly/weekly-report-content';

const md = (text: string): string => escapeMarkdown(text).replace(/\n/g, ' ');
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

export function projectReportUrl(publicBaseUrl: string, opportunityId: string, isoWeek: string): string {
  return `${publicBaseUrl.replace(/\/$/, '')}/#/opportunities/${encodeURIComponent(opportunityId)}/project-report/${encodeURIComponent(isoWeek)}`;
}

export function renderProjectReportMessage(
  content: WeeklyReportContent,
  channel: ChannelKind,
  url: string,
): ChannelPayload {
  const t = translator(content.locale, 'project-report');
  const head = [`**${md(content.heading)}**`, md(content.greeting), md(content.intro)].join('\n');
  const link = `[${md(t('im.open'))}](${url})`;
  const lines: { text: string; table: boolean }[] = [];
  for (const section of content.sections) {
    lines.push({ text: '', table: false }, { text: `**${md(section.title)}**`, table: false });
    for (const block of section.blocks) {
      if (block.kind === 'text') lines.push({ text: md(block.text), table: false });
      else
        for (const row of block.table.rows)
          lines.push({
            table: true,
            text: `- ${row.map((c, i) => (i === 0 ? md(c) : `${md(block.table.headers[i] ?? '')} ${md(c)}`)).join(' · ')}`,
          });
    }
  }
  const budget = POST_MARKDOWN_BYTES[channel] - bytes(content.subject) - 16;
  const size = (body: typeof lines, tail: string) =>
    bytes(head) + body.reduce((n, l) => n + bytes(l.text) + 1, 0) + bytes(tail) + 2 + bytes(link);
  let body = lines;
  let tail = '';
  if (size(body, tail) > budget) {
    body = lines.filter((l, i) => !l.table || !lines[i - 1]?.table);
    body = body.map((l) => (l.table ? { text: md(t('im.tableInReport')), table: false } : l));
  }
  if (size(body, tail) > budget) {
    tail = md(t('im.more'));
    while (body.length > 0 && size(body, tail) > budget) body = body.slice(0, -1);
  }
  const markdown = [head, ...body.map((l) => l.text), ...(tail ? ['', tail] : []), '', link].join('\n');
  return { type: 'markdown', title: content.subject, markdown, url };
}
