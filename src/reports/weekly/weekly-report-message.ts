// The weekly report as an IM message (issue 13): the same content as the mail, in the recipient's
// language, as markdown of the subset the three platforms share (**bold**, one item per line, a
// link) with a link to the full report in the web app. Tables become one line per row; when the
// message is over the channel's size, the table rows go first, then the later lines, never the
// heading or the link.
import { translator } from '../../i18n';
import { POST_MARKDOWN_BYTES } from '../../notify/budgets';
import type { ChannelKind, ChannelPayload } from '../../notify/channel';
import { escapeMarkdown } from '../../notify/render';
import type { ContentTable, WeeklyReportContent } from './weekly-report-content';

const md = (text: string): string => escapeMarkdown(text).replace(/\n/g, ' ');
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

function tableLines(table: ContentTable): string[] {
  return table.rows.map(
    (row) =>
      `- ${row
        .map((cell, i) => (i === 0 ? md(cell) : `${md(table.headers[i] ?? '')} ${md(cell)}`))
        .join(' · ')}`,
  );
}

interface Line {
  text: string;
  /** A table row: the first to go when the message is too long. */
  table: boolean;
}

/** The link to the report's week in the web app. */
export function weeklyReportUrl(publicBaseUrl: string, isoWeek: string): string {
  return `${publicBaseUrl.replace(/\/$/, '')}/#/weekly/${encodeURIComponent(isoWeek)}`;
}

export function renderWeeklyReportMessage(
  content: WeeklyReportContent,
  channel: ChannelKind,
  url: string,
): ChannelPayload {
  const t = translator(content.locale, 'weekly-im');
  const head = [`**${md(content.heading)}**`, md(content.greeting), md(content.intro)].join('\n');
  const link = `[${md(t('open'))}](${url})`;
  const lines: Line[] = [];
  for (const section of content.sections) {
    lines.push({ text: '', table: false }, { text: `**${md(section.title)}**`, table: false });
    for (const block of section.blocks) {
      if (block.kind === 'text') lines.push({ text: md(block.text), table: false });
      else lines.push(...tableLines(block.table).map((text) => ({ text, table: true })));
    }
  }
  const budget = POST_MARKDOWN_BYTES[channel] - bytes(content.subject) - 16;
  const size = (body: Line[], tail: string) =>
    bytes(head) + body.reduce((n, l) => n + bytes(l.text) + 1, 0) + bytes(tail) + 2 + bytes(link);
  let body = lines;
  let tail = '';
  if (size(body, tail) > budget) {
    // Tables out first: each table becomes one pointer to the full report.
    body = lines.filter((l, i) => !l.table || !lines[i - 1]?.table);
    body = body.map((l) => (l.table ? { text: md(t('tableInReport')), table: false } : l));
  }
  if (size(body, tail) > budget) {
    tail = md(t('more'));
    while (body.length > 0 && size(body, tail) > budget) body = body.slice(0, -1);
  }
  const markdown = [head, ...body.map((l) => l.text), ...(tail ? ['', tail] : []), '', link].join('\n');
  return { type: 'markdown', title: content.subject, markdown, url };
}
