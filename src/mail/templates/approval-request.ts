// To the approver: a new approval is waiting for them.
import type { MailBody, MailContext } from './types';
import { approvalTitle, requesterName } from './approval-text';

export function approvalRequest(ctx: MailContext): MailBody {
  const { name } = ctx.deal;
  const what = approvalTitle(ctx);
  const who = requesterName(ctx);
  if (ctx.locale === 'zh-CN') {
    return {
      subject: `【审批请求】${name}：${what}`,
      heading: '审批请求',
      paragraphs: [`${who} 就商机「${name}」提交了「${what}」申请，需要您审批。`],
      showApproval: true,
    };
  }
  return {
    subject: `Approval requested: ${name} – ${what}`,
    heading: 'Approval requested',
    paragraphs: [`${who} asks for your approval (${what}) on "${name}".`],
    showApproval: true,
  };
}
