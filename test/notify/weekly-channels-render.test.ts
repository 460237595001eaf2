// The weekly report as an IM message (pure): every channel gets it within its size, the heading
// and the link always survive, tables go before text, and report text never becomes markup.
import { POST_MARKDOWN_BYTES } from '../../src/notify/budgets';
import { CHANNEL_KINDS } from '../../src/notify/channel';
import type { WeeklyReportContent } from '../../src/reports/weekly/weekly-report-content';
import { renderWeeklyReportMessage } from '../../src/reports/weekly/weekly-report-message';

const URL = 'https://psm.example.cn/#/weekly/2026-W06';

function content(rows: number, locale: 'en' | 'zh-CN' = 'en'): WeeklyReportContent {
  return {
    locale,
    subject: 'Weekly sales report 2026-W06',
    heading: 'Weekly sales report · 2026-W06',
    greeting: 'Hello Mia,',
    intro: 'Here is how your team did.',
    sections: [
      {
        title: '1. Is there enough pipeline for the target?',
        blocks: [
          { kind: 'text', text: 'Coverage is 1.20× of the remaining target.' },
          {
            kind: 'table',
            table: {
              headers: ['Rep', 'Won', 'Weighted'],
              rows: Array.from({ length: rows }, (_, i) => [`Rep ${i} [x](http://evil)`, '¥1,000', '¥2,000']),
              numeric: [1, 2],
            },
          },
        ],
      },
      { title: '3. What is stalled?', blocks: [{ kind: 'text', text: 'No deal is stalled.' }] },
    ],
    footer: 'footer',
  };
}

it('a short report goes whole, table rows as lines, user text escaped', () => {
  const p = renderWeeklyReportMessage(content(2), 'wecom_app', URL);
  if (p.type !== 'markdown') throw new Error('markdown expected');
  expect(p.title).toBe('Weekly sales report 2026-W06');
  expect(p.markdown).toContain('- Rep 0 \\[x\\](http://evil) · Won ¥1,000 · Weighted ¥2,000');
  expect(p.markdown).toContain('No deal is stalled.');
  expect(p.markdown.endsWith(`[Open the full weekly report](${URL})`)).toBe(true);
});

it.each(CHANNEL_KINDS)('a long report fits %s, keeping the heading and the link', (channel) => {
  const p = renderWeeklyReportMessage(content(400, 'zh-CN'), channel, URL);
  if (p.type !== 'markdown') throw new Error('markdown expected');
  expect(Buffer.byteLength(p.markdown, 'utf8')).toBeLessThanOrEqual(POST_MARKDOWN_BYTES[channel]);
  expect(p.markdown.startsWith('**Weekly sales report · 2026-W06**')).toBe(true);
  expect(p.markdown.endsWith(`[打开完整周报](${URL})`)).toBe(true);
});

it('on a small channel the table gives way before the text', () => {
  const p = renderWeeklyReportMessage(content(60), 'dingtalk_app', URL);
  if (p.type !== 'markdown') throw new Error('markdown expected');
  expect(p.markdown).not.toContain('Rep 0');
  expect(p.markdown).toContain('(table in the full report)');
  expect(p.markdown).toContain('No deal is stalled.');
});
