// To the approver's manager: an approval is overdue. They acknowledge; the decision stays with
// the approver (approvals are decided by the right person), so no approve/reject links here.
import type { MailBody, MailContext } from './types';
import { approvalTitle, approverName, requestedAt, requesterName } from './approval-text';
import { mailT } from './strings';

export function approvalEscalation(ctx: MailContext): MailBody {
  const t = mailT(ctx.locale);
  const params = {
    name: ctx.deal.name,
    account: ctx.deal.account,
    what: approvalTitle(ctx),
    requester: requesterName(ctx),
    requestedAt: requestedAt(ctx),
    approver: approverName(ctx),
  };
  return {
    subject: t('approvalEscalation.subject', params),
    heading: t('approvalEscalation.heading'),
    paragraphs: [t('approvalEscalation.body', params), t('approvalEscalation.ask')],
    showApproval: true,
  };
}
