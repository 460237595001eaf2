// Approval cards for the chat platforms: the facts of the request and two buttons whose values
// are signed single-use ActionTokens (src/links), so a click is judged by exactly the rules of
// the email links. Pure: the tokens are issued by the caller (issueCardTokens) and the result is
// stored once per notification, so a retried send posts the same card with the same tokens.
//
// Each platform gets its own native body (src/notify/channel.ts `card` payloads):
// - WeCom: a `template_card` of card_type button_interaction (button key = token, task_id = cardId).
// - DingTalk: a work-notification action_card (what corpconversation/asyncsend_v2 sends) whose
//   buttons open the signed link pages, the very email links (confirm, then act), since a
//   work notification's buttons are links, not callbacks.
// - Feishu: a message card with primary/danger buttons whose value carries the token.
// User-provided text (deal, account, reason, names) is only ever put in plain-text fields, so a
// deal called "[click](http://evil)" cannot become a link.
import { createHash } from 'node:crypto';
import type { ApprovalFacts, DealFacts } from '../../contracts/activities';
import { formatAmount, formatDateTime } from '../../i18n/format';
import type { TLocale } from '../../i18n/locales';
import { translator } from '../../i18n/translator';
import { milestoneName } from '../../mail/milestones';
import type { ChannelPayload, Platform } from '../channel';

export const APPROVAL_CARD_TEMPLATES = [
  'approval_request',
  'approval_reminder',
  'approval_escalation',
] as const;
export type ApprovalCardTemplate = (typeof APPROVAL_CARD_TEMPLATES)[number];

export function isApprovalCardTemplate(template: string): template is ApprovalCardTemplate {
  return (APPROVAL_CARD_TEMPLATES as readonly string[]).includes(template);
}

export type CardDecision = 'approve' | 'reject';

export interface ApprovalCardFacts {
  template: ApprovalCardTemplate;
  locale: TLocale;
  timeZone: string;
  deal: DealFacts;
  approval: ApprovalFacts;
  /** Display names of the ids in `approval`. */
  people: Readonly<Record<string, string>>;
  dealUrl: string;
  /** WeCom task_id / DingTalk outTrackId: stable per notification (cardIdFor). */
  cardId: string;
}

/** One button's signed ActionToken and its link page (the email link's URL). */
export interface CardAction {
  token: string;
  url: string;
}

export interface ApprovalCardInput extends ApprovalCardFacts {
  tokens: Record<CardDecision, CardAction>;
}

/** The Feishu button value field that carries the signed token. */
export const CARD_TOKEN_FIELD = 'psmToken';

/** WeCom task_id allows [A-Za-z0-9_@-]{1,128}; DingTalk's outTrackId is similar. Stable per key. */
export function cardIdFor(notificationKey: string): string {
  return `psm_${createHash('sha256').update(notificationKey).digest('hex').slice(0, 40)}`;
}

function texts(facts: ApprovalCardFacts) {
  const t = translator(facts.locale, 'chat');
  const person = (id: string | null | undefined) =>
    (id ? facts.people[id] : undefined) ?? t('card.unknownPerson');
  const a = facts.approval;
  const kind = t(`card.what.${a.kind}`);
  const what = a.milestone
    ? t('card.what.withMilestone', { kind, milestone: milestoneName(a.milestone, facts.locale) })
    : kind;
  const vars = {
    deal: facts.deal.name,
    what,
    requester: person(a.requestedById),
    approver: person(a.approverId),
  };
  const fields: { label: string; value: string }[] = [
    { label: t('card.field.account'), value: facts.deal.account },
    {
      label: t('card.field.amount'),
      value: formatAmount(facts.deal.amount, facts.deal.currency, facts.locale),
    },
    { label: t('card.field.milestone'), value: milestoneName(facts.deal.milestone, facts.locale) },
    {
      label: t('card.field.requester'),
      value: `${vars.requester} · ${formatDateTime(a.requestedAt, facts.locale, facts.timeZone)}`,
    },
  ];
  if (a.amount !== null)
    fields.push({
      label: t('card.field.approvalAmount'),
      value: formatAmount(a.amount, facts.deal.currency, facts.locale),
    });
  if (a.reason) fields.push({ label: t('card.field.reason'), value: a.reason });
  return {
    t,
    person,
    title: t(`card.title.${facts.template}`),
    intro: t(`card.intro.${facts.template}`, vars),
    what,
    fields,
  };
}

function fallbackMarkdown(facts: ApprovalCardFacts, status?: string): string {
  const x = texts(facts);
  const lines = [`**${x.title}**`, x.intro, ...x.fields.map((f) => `${f.label}: ${f.value}`)];
  if (status) lines.push(`**${status}**`);
  lines.push(`[${x.t('card.button.open')}](${facts.dealUrl})`);
  return lines.join('\n');
}

// --- WeCom ---------------------------------------------------------------------------------

function wecomCard(
  facts: ApprovalCardFacts,
  tokens: Record<CardDecision, CardAction>,
): Record<string, unknown> {
  const x = texts(facts);
  return {
    card_type: 'button_interaction',
    source: { desc: x.t('card.source'), desc_color: 0 },
    main_title: { title: x.title, desc: facts.deal.name },
    sub_title_text: x.intro,
    horizontal_content_list: [
      ...x.fields.map((f) => ({ keyname: f.label, value: f.value })),
      { type: 1, keyname: x.t('card.button.open'), value: facts.deal.name, url: facts.dealUrl },
    ],
    card_action: { type: 1, url: facts.dealUrl },
    task_id: facts.cardId,
    button_list: [
      { text: x.t('card.button.approve'), style: 1, key: tokens.approve.token },
      { text: x.t('card.button.reject'), style: 2, key: tokens.reject.token },
    ],
  };
}

// --- DingTalk ------------------------------------------------------------------------------

/** DingTalk markdown: user text with its markup characters escaped, so it stays text. */
const mdText = (text: string): string =>
  text.replace(/([\\`*_{}[\]()#+\-.!|>~])/g, '\\$1').replace(/\n/g, ' ');

function dingtalkCard(
  facts: ApprovalCardFacts,
  tokens: Record<CardDecision, CardAction> | null,
  status?: string,
) {
  const x = texts(facts);
  const lines = [
    `### ${mdText(x.title)}`,
    mdText(x.intro),
    ...x.fields.map((f) => `- ${mdText(f.label)}: ${mdText(f.value)}`),
  ];
  if (status) lines.push(`**${mdText(status)}**`);
  const buttons = [
    ...(tokens
      ? [
          { title: x.t('card.button.approve'), action_url: tokens.approve.url },
          { title: x.t('card.button.reject'), action_url: tokens.reject.url },
        ]
      : []),
    { title: x.t('card.button.open'), action_url: facts.dealUrl },
  ];
  return {
    title: `${x.title}: ${facts.deal.name}`,
    markdown: lines.join('\n\n'),
    btn_orientation: '1',
    btn_json_list: buttons,
  };
}

/**
 * Where the DingTalk card payload carries the interactive card (H9): the cardParamMap of
 * /v1.0/im/interactiveCards/send for the configured template, beside the action_card. The
 * DingTalk channel client sends the interactive card when cards are configured and strips this
 * field otherwise (src/notify/dingtalk-cards.ts).
 */
export const DINGTALK_INTERACTIVE_FIELD = 'psmInteractive';

/**
 * The interactive card's variables (all strings, as cardParamMap requires). The template shows
 * title + markdown (+ status once decided) and, while `decided` is "false", two buttons whose
 * callback params carry approveToken / rejectToken as `psmToken`.
 */
export function dingtalkCardParams(
  facts: ApprovalCardFacts,
  tokens: Record<CardDecision, CardAction> | null,
  status?: string,
): Record<string, string> {
  const x = texts(facts);
  const action = dingtalkCard(facts, null, status);
  return {
    title: action.title,
    markdown: action.markdown,
    status: status ?? '',
    decided: status ? 'true' : 'false',
    approveText: x.t('card.button.approve'),
    rejectText: x.t('card.button.reject'),
    openText: x.t('card.button.open'),
    dealUrl: facts.dealUrl,
    approveToken: tokens?.approve.token ?? '',
    rejectToken: tokens?.reject.token ?? '',
  };
}

// --- Feishu --------------------------------------------------------------------------------

function feishuCard(
  facts: ApprovalCardFacts,
  tokens: Record<CardDecision, CardAction> | null,
  status?: string,
) {
  const x = texts(facts);
  const plain = (content: string) => ({ tag: 'plain_text', content });
  const elements: Record<string, unknown>[] = [
    { tag: 'div', text: plain(x.intro) },
    { tag: 'div', fields: x.fields.map((f) => ({ is_short: true, text: plain(`${f.label}: ${f.value}`) })) },
  ];
  if (status) elements.push({ tag: 'div', text: plain(status) });
  const actions: Record<string, unknown>[] = tokens
    ? [
        {
          tag: 'button',
          text: plain(x.t('card.button.approve')),
          type: 'primary',
          value: { [CARD_TOKEN_FIELD]: tokens.approve.token },
        },
        {
          tag: 'button',
          text: plain(x.t('card.button.reject')),
          type: 'danger',
          value: { [CARD_TOKEN_FIELD]: tokens.reject.token },
        },
      ]
    : [];
  actions.push({ tag: 'button', text: plain(x.t('card.button.open')), type: 'default', url: facts.dealUrl });
  elements.push({ tag: 'action', actions });
  return {
    config: { wide_screen_mode: true, update_multi: true },
    header: { template: status ? 'grey' : 'blue', title: plain(x.title) },
    elements,
  };
}

/** The card with approve/reject buttons, for one platform's app message. */
export function buildApprovalCard(
  platform: Platform,
  input: ApprovalCardInput,
): ChannelPayload & { type: 'card' } {
  const x = texts(input);
  const card =
    platform === 'wecom'
      ? wecomCard(input, input.tokens)
      : platform === 'dingtalk'
        ? {
            ...dingtalkCard(input, input.tokens),
            [DINGTALK_INTERACTIVE_FIELD]: {
              outTrackId: input.cardId,
              cardParamMap: dingtalkCardParams(input, input.tokens),
            },
          }
        : feishuCard(input, input.tokens);
  return {
    type: 'card',
    title: `${x.title}: ${input.deal.name}`,
    card,
    fallbackMarkdown: fallbackMarkdown(input),
  };
}

/** "Approved by 王经理": what replaces the buttons once the approval is decided. */
export function decisionLine(
  locale: TLocale,
  status: 'approved' | 'rejected' | 'cancelled',
  deciderName: string | undefined,
): string {
  const t = translator(locale, 'chat');
  return t(`card.decided.${status}`, { decider: deciderName ?? t('card.unknownPerson') });
}

/**
 * The card without buttons, with a status line where they were ("Approved by 王经理"). For WeCom
 * the platform keeps the card and only replaces the buttons with a label (update_template_card
 * `button.replace_name`), so its "card" is that label.
 */
export function buildStatusCard(
  platform: Platform,
  facts: ApprovalCardFacts,
  line: string,
): Record<string, unknown> {
  if (platform === 'wecom') return { replace_name: line };
  if (platform === 'dingtalk') return dingtalkCard(facts, null, line);
  return feishuCard(facts, null, line);
}

/** The card once decided. */
export function buildDecidedCard(
  platform: Platform,
  facts: ApprovalCardFacts,
  status: 'approved' | 'rejected' | 'cancelled',
  deciderName: string | undefined,
): Record<string, unknown> {
  return buildStatusCard(platform, facts, decisionLine(facts.locale, status, deciderName));
}
