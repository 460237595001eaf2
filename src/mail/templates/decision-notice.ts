// To the requester: their approval was decided (or cancelled).
import { COMMON_STRINGS } from './strings';
import type { MailBody, MailContext } from './types';
import { approvalTitle, deciderName } from './approval-text';

export function decisionNotice(ctx: MailContext): MailBody {
  const { name } = ctx.deal;
  const what = approvalTitle(ctx);
  const status = COMMON_STRINGS[ctx.locale].approvalStatus[ctx.approval?.status ?? 'pending'];
  const by = deciderName(ctx);
  if (ctx.locale === 'zh-CN') {
    return {
      subject: `【审批结果】${name}：${what} ${status}`,
      heading: `审批结果：${status}`,
      paragraphs: [`您就商机「${name}」提交的「${what}」申请${status}（${by}）。`],
      showApproval: true,
    };
  }
  return {
    subject: `Approval ${status}: ${name} – ${what}`,
    heading: `Approval ${status}`,
    paragraphs: [`Your request (${what}) on "${name}" was ${status} by ${by}.`],
    showApproval: true,
  };
}
