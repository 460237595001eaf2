// After business breakthrough the contract is expected within the process's window (seed: 30
// working days); the number lives in the process definition, so the mail does not repeat it.
import { milestoneName } from '../milestones';
import { mailT } from './strings';
import type { MailBody, MailContext } from './types';

export function contractWindowEscalation(ctx: MailContext): MailBody {
  const t = mailT(ctx.locale);
  const params = {
    name: ctx.deal.name,
    account: ctx.deal.account,
    daysInStage: ctx.deal.daysInStage,
    stage: milestoneName(ctx.deal.milestone, ctx.locale),
  };
  return {
    subject: t('contractWindowEscalation.subject', params),
    heading: t('contractWindowEscalation.heading'),
    paragraphs: [t('contractWindowEscalation.body', params), t('contractWindowEscalation.ask')],
    showApproval: false,
  };
}
