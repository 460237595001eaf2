// To the approver: the approval has been pending longer than the process allows.
import type { MailBody, MailContext } from './types';
import { approvalTitle, requestedAt, requesterName } from './approval-text';

export function approvalReminder(ctx: MailContext): MailBody {
  const { name } = ctx.deal;
  const what = approvalTitle(ctx);
  if (ctx.locale === 'zh-CN') {
    return {
      subject: `【审批提醒】${name}：${what} 仍待您审批`,
      heading: '审批提醒',
      paragraphs: [
        `${requesterName(ctx)} 于 ${requestedAt(ctx)} 提交的「${what}」申请仍在等待您的审批，商机推进因此暂停。`,
      ],
      showApproval: true,
    };
  }
  return {
    subject: `Approval reminder: ${name} – ${what} is waiting for you`,
    heading: 'Approval reminder',
    paragraphs: [
      `The request from ${requesterName(ctx)} (${what}), made ${requestedAt(ctx)}, is still waiting for your decision; the deal cannot move on until then.`,
    ],
    showApproval: true,
  };
}
