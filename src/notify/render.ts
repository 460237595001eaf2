// A notification rendered for one IM channel, in the recipient's language: the template's own
// subject and sentences (the same words as the mail, from each template), the deal's facts, a link
// to the deal page and the one-click action links. Each channel gets what fits its message size:
// the whole text where it fits, otherwise the later paragraphs and then the facts are dropped,
// never the links (WeCom app markdown holds 2,048 bytes, a DingTalk work notification about as
// much, Feishu cards far more).
import type { DealFacts } from '../contracts/activities';
import { formatAmount, formatDate } from '../i18n/format';
import { translator } from '../i18n';
import { criterionLabel, milestoneName } from '../mail/milestones';
import type { TMailLocale } from '../mail/locale';
import { POST_MARKDOWN_BYTES } from './budgets';
import type { ChannelKind, ChannelPayload } from './channel';

export interface NotificationText {
  subject: string;
  heading: string;
  paragraphs: string[];
}

export interface RenderForChannelInput {
  channel: ChannelKind;
  locale: TMailLocale;
  timeZone: string;
  text: NotificationText;
  deal: DealFacts;
  links: { deal: string } & Partial<Record<'approve' | 'reject' | 'acknowledge', string>>;
}

/** Markdown's link and emphasis characters in user text (deal names, comments) lose their meaning. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

export function renderForChannel(input: RenderForChannelInput): ChannelPayload {
  const t = translator(input.locale, 'im');
  const { deal, locale } = input;
  const facts = [
    `**${t('facts.deal')}**: ${escapeMarkdown(deal.name)}`,
    `**${t('facts.account')}**: ${escapeMarkdown(deal.account)}`,
    `**${t('facts.amount')}**: ${formatAmount(deal.amount, deal.currency, locale)}`,
    `**${t('facts.stage')}**: ${escapeMarkdown(milestoneName(deal.milestone, locale))}`,
    `**${t('facts.daysInStage')}**: ${t('facts.days', { count: deal.daysInStage })}`,
    `**${t('facts.lastActivity')}**: ${deal.lastActivityAt ? formatDate(deal.lastActivityAt, locale, input.timeZone) : t('facts.noActivity')}`,
    ...(deal.missingCriteria.length
      ? [
          `**${t('facts.missingCriteria')}**: ${deal.missingCriteria.map((c) => escapeMarkdown(criterionLabel(c, locale))).join(locale === 'zh-CN' ? '、' : ', ')}`,
        ]
      : []),
    ...(deal.noSponsorWarning ? [t('facts.noSponsor')] : []),
  ];
  const actions = (['approve', 'reject', 'acknowledge'] as const)
    .filter((a) => input.links[a])
    .map((a) => `[${t(`links.${a}`)}](${input.links[a]})`);
  const linkLines = [
    `[${t('links.openDeal')}](${input.links.deal})`,
    ...(actions.length ? [actions.join('  '), t('links.hint')] : []),
  ];
  const paragraphs = input.text.paragraphs.map(escapeMarkdown);
  const budget = POST_MARKDOWN_BYTES[input.channel] - Buffer.byteLength(input.text.subject, 'utf8') - 16;
  const compose = (ps: string[], fs: string[]) =>
    [...ps, ...(fs.length ? ['', ...fs] : []), '', ...linkLines].join('\n');
  // Shed detail until it fits: later paragraphs, then facts from the end, then the first paragraph.
  let ps = paragraphs;
  let fs = facts;
  let markdown = compose(ps, fs);
  while (Buffer.byteLength(markdown, 'utf8') > budget && (ps.length > 1 || fs.length > 0 || ps.length > 0)) {
    if (ps.length > 1) ps = ps.slice(0, -1);
    else if (fs.length > 0) fs = fs.slice(0, -1);
    else ps = [];
    markdown = compose(ps, fs);
  }
  return { type: 'markdown', title: input.text.subject, markdown, url: input.links.deal };
}
