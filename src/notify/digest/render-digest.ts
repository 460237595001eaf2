// The digest as a chat message (markdown of the subset the three platforms share: **bold**, one
// item per line, a link) and as an email, in the recipient's language. User text (deal names,
// accounts) is escaped out of the markdown; the email's HTML goes through the html`` tag.
import { formatDate, formatDateTime } from '../../i18n/format';
import { translator } from '../../i18n/translator';
import { html, safeUrl } from '../../mail/html';
import { milestoneName } from '../../mail/milestones';
import type { ChannelPayload } from '../channel';
import { DIGEST_SECTION_LIMIT, type DigestContent } from './digest-content';

interface Section {
  heading: string;
  lines: string[];
}

function sections(content: DigestContent, timeZone: string): { title: string; sections: Section[] } {
  const locale = content.recipient.locale;
  const t = translator(locale, 'chat');
  const stage = (key: string) => milestoneName(key, locale);
  const all: Section[] = [
    {
      heading: t('digest.followUps'),
      lines: content.followUps.map((f) =>
        t('digest.followUpLine', {
          deal: f.name,
          account: f.account,
          milestone: stage(f.milestone),
          last: f.lastActivityAt
            ? formatDate(f.lastActivityAt, locale, timeZone)
            : t('digest.neverFollowedUp'),
        }),
      ),
    },
    {
      heading: t('digest.nearSla'),
      lines: content.nearSla.map((d) =>
        t('digest.nearSlaLine', {
          deal: d.name,
          milestone: stage(d.milestone),
          days: d.daysInStage,
          sla: d.slaDays,
        }),
      ),
    },
    {
      heading: t('digest.approvals'),
      lines: content.approvals.map((a) =>
        t('digest.approvalLine', {
          deal: a.dealName,
          what: a.milestone
            ? t('card.what.withMilestone', { kind: t(`card.what.${a.kind}`), milestone: stage(a.milestone) })
            : t(`card.what.${a.kind}`),
          requester: a.requesterName || t('card.unknownPerson'),
          when: formatDateTime(a.requestedAt, locale, timeZone),
        }),
      ),
    },
    {
      heading: t('digest.claims'),
      lines: content.claims.map((c) =>
        t('digest.claimLine', { account: c.account, when: formatDate(c.lapsesAt, locale, timeZone) }),
      ),
    },
  ];
  const shown = all
    .filter((s) => s.lines.length > 0)
    .map((s) => ({
      heading: s.heading,
      lines:
        s.lines.length > DIGEST_SECTION_LIMIT
          ? [
              ...s.lines.slice(0, DIGEST_SECTION_LIMIT),
              t('digest.more', { count: s.lines.length - DIGEST_SECTION_LIMIT }),
            ]
          : s.lines,
    }));
  return { title: t('digest.title', { name: content.recipient.name }), sections: shown };
}

const md = (text: string): string => text.replace(/([\\`*_[\]()#>|~])/g, '\\$1').replace(/\n/g, ' ');

export function renderDigestMessage(
  content: DigestContent,
  options: { timeZone: string; appUrl: string },
): ChannelPayload {
  const t = translator(content.recipient.locale, 'chat');
  const { title, sections: shown } = sections(content, options.timeZone);
  const body =
    shown.length === 0
      ? md(t('digest.nothing'))
      : shown
          .map((s) => [`**${md(s.heading)}**`, ...s.lines.map((l) => `- ${md(l)}`)].join('\n'))
          .join('\n\n');
  return {
    type: 'markdown',
    title: `${title} · ${content.date}`,
    markdown: `${body}\n\n[${md(t('digest.open'))}](${options.appUrl})`,
    url: options.appUrl,
  };
}

export function renderDigestEmail(
  content: DigestContent,
  options: { timeZone: string; appUrl: string },
): { subject: string; text: string; html: string } {
  const t = translator(content.recipient.locale, 'chat');
  const { title, sections: shown } = sections(content, options.timeZone);
  const text = [
    title,
    content.date,
    '',
    ...(shown.length === 0
      ? [t('digest.nothing')]
      : shown.flatMap((s) => [s.heading, ...s.lines.map((l) => `- ${l}`), ''])),
    `${t('digest.open')}: ${options.appUrl}`,
  ].join('\n');
  const body = html`<!doctype html>
    <html lang="${content.recipient.locale}">
      <body style="font-family:sans-serif">
        <h2>${title}</h2>
        <p>${content.date}</p>
        ${
          shown.length === 0
            ? html`<p>${t('digest.nothing')}</p>`
            : shown.map(
                (s) =>
                  html`<h3>${s.heading}</h3>
                    <ul>
                      ${s.lines.map((l) => html`<li>${l}</li>`)}
                    </ul>`,
              )
        }
        <p><a href="${safeUrl(options.appUrl)}">${t('digest.open')}</a></p>
      </body>
    </html>`;
  return { subject: t('digest.mailSubject', { date: content.date }), text, html: body.value };
}
