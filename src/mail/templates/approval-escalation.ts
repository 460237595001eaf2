// To the approver's manager: an approval is overdue. They acknowledge; the decision stays with
// the approver (approvals are decided by the right person), so no approve/reject links here.
import type { MailBody, MailContext } from './types';
import { approvalTitle, approverName, requestedAt, requesterName } from './approval-text';

export function approvalEscalation(ctx: MailContext): MailBody {
  const { name, account } = ctx.deal;
  const what = approvalTitle(ctx);
  if (ctx.locale === 'zh-CN') {
    return {
      subject: `【审批超时升级】${name}（${account}）：${what}`,
      heading: '审批超时升级',
      paragraphs: [
        `${requesterName(ctx)} 于 ${requestedAt(ctx)} 提交的「${what}」申请，审批人 ${approverName(ctx)} 至今未处理，已超过时限。`,
        '请督促审批人尽快决定。',
      ],
      showApproval: true,
    };
  }
  return {
    subject: `Overdue approval: ${name} (${account}) – ${what}`,
    heading: 'Overdue approval',
    paragraphs: [
      `The request from ${requesterName(ctx)} (${what}), made ${requestedAt(ctx)}, has not been decided by ${approverName(ctx)} within the allowed time.`,
      'Please ask the approver to decide.',
    ],
    showApproval: true,
  };
}
