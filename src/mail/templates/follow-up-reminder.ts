// To the rep: no activity logged within the stage's follow-up cadence.
import { milestoneName } from '../milestones';
import type { MailBody, MailContext } from './types';

export function followUpReminder(ctx: MailContext): MailBody {
  const { name, account } = ctx.deal;
  const stage = milestoneName(ctx.deal.milestone, ctx.locale);
  if (ctx.locale === 'zh-CN') {
    return {
      subject: `【跟进提醒】${name}（${account}）`,
      heading: '跟进提醒',
      paragraphs: [
        `商机「${name}」处于「${stage}」阶段，在规定的跟进周期内没有记录任何销售活动。请尽快联系客户，并在系统中记录拜访或电话。`,
      ],
      showApproval: false,
    };
  }
  return {
    subject: `Follow-up reminder: ${name} (${account})`,
    heading: 'Follow-up reminder',
    paragraphs: [
      `No sales activity has been logged on "${name}" (stage: ${stage}) within the stage's follow-up cadence. Please get in touch with the customer and log the visit or call.`,
    ],
    showApproval: false,
  };
}
