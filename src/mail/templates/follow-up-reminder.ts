// To the rep: no activity logged within the stage's follow-up cadence.
import { milestoneName } from '../milestones';
import { mailT } from './strings';
import type { MailBody, MailContext } from './types';

export function followUpReminder(ctx: MailContext): MailBody {
  const t = mailT(ctx.locale);
  const params = {
    name: ctx.deal.name,
    account: ctx.deal.account,
    stage: milestoneName(ctx.deal.milestone, ctx.locale),
  };
  return {
    subject: t('followUpReminder.subject', params),
    heading: t('followUpReminder.heading'),
    paragraphs: [t('followUpReminder.body', params)],
    showApproval: false,
  };
}
