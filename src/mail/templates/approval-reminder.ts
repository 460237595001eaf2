// To the approver: the approval has been pending longer than the process allows.
import type { MailBody, MailContext } from './types';
import { approvalTitle, requestedAt, requesterName } from './approval-text';
import { mailT } from './strings';

export function approvalReminder(ctx: MailContext): MailBody {
  const t = mailT(ctx.locale);
  const params = {
    name: ctx.deal.name,
    what: approvalTitle(ctx),
    requester: requesterName(ctx),
    requestedAt: requestedAt(ctx),
  };
  return {
    subject: t('approvalReminder.subject', params),
    heading: t('approvalReminder.heading'),
    paragraphs: [t('approvalReminder.body', params)],
    showApproval: true,
  };
}
