// To the requester: their approval was decided (or cancelled).
import { COMMON_STRINGS, mailT } from './strings';
import type { MailBody, MailContext } from './types';
import { approvalTitle, deciderName } from './approval-text';

export function decisionNotice(ctx: MailContext): MailBody {
  const t = mailT(ctx.locale);
  const params = {
    name: ctx.deal.name,
    what: approvalTitle(ctx),
    status: COMMON_STRINGS[ctx.locale].approvalStatus[ctx.approval?.status ?? 'pending'],
    decider: deciderName(ctx),
  };
  return {
    subject: t('decisionNotice.subject', params),
    heading: t('decisionNotice.heading', params),
    paragraphs: [t('decisionNotice.body', params)],
    showApproval: true,
  };
}
