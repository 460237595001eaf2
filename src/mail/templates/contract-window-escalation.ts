// After business breakthrough the contract is expected within the process's window (seed: 30
// working days); the number lives in the process definition, so the mail does not repeat it.
import { milestoneName } from '../milestones';
import type { MailBody, MailContext } from './types';

export function contractWindowEscalation(ctx: MailContext): MailBody {
  const { name, account, daysInStage } = ctx.deal;
  const stage = milestoneName(ctx.deal.milestone, ctx.locale);
  if (ctx.locale === 'zh-CN') {
    return {
      subject: `【合同签订超期】${name}（${account}）`,
      heading: '合同签订超期',
      paragraphs: [
        `商机「${name}」在「${stage}」之后已 ${daysInStage} 天，超过了合同签订的预期时限，合同仍未签订。`,
        '存在交付延误风险：请确认代理商是否已与客户签约，必要时请客户的技术决策人督促。',
      ],
      showApproval: false,
    };
  }
  return {
    subject: `Contract window exceeded: ${name} (${account})`,
    heading: 'Contract window exceeded',
    paragraphs: [
      `"${name}" reached ${stage} ${daysInStage} days ago and the contract is still not signed, past the expected window.`,
      "Delivery may slip: check whether the agent has signed with the customer and, if needed, ask the customer's technical decision maker to press for it.",
    ],
    showApproval: false,
  };
}
