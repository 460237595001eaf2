// To the approver: a new approval is waiting for them.
import type { MailBody, MailContext } from './types';
import { approvalTitle, requesterName } from './approval-text';
import { mailT } from './strings';

export function approvalRequest(ctx: MailContext): MailBody {
  const t = mailT(ctx.locale);
  const params = { name: ctx.deal.name, what: approvalTitle(ctx), requester: requesterName(ctx) };
  return {
    subject: t('approvalRequest.subject', params),
    heading: t('approvalRequest.heading'),
    paragraphs: [t('approvalRequest.body', params)],
    showApproval: true,
  };
}
