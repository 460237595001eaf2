// Level 1 to the rep's manager, level 2 to the director when the deal is still stalled.
import { milestoneName } from '../milestones';
import { mailT } from './strings';
import type { MailBody, MailContext } from './types';

export function stallEscalation(ctx: MailContext): MailBody {
  const t = mailT(ctx.locale);
  const level = ctx.level >= 2 ? 'director' : 'manager';
  const params = {
    name: ctx.deal.name,
    account: ctx.deal.account,
    daysInStage: ctx.deal.daysInStage,
    stage: milestoneName(ctx.deal.milestone, ctx.locale),
  };
  return {
    subject: t(`stallEscalation.subject.${level}`, params),
    heading: t(`stallEscalation.heading.${level}`),
    paragraphs: [t('stallEscalation.body', params), t(`stallEscalation.ask.${level}`)],
    showApproval: false,
  };
}
