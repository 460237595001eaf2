// Level 1 to the rep's manager, level 2 to the director when the deal is still stalled.
import { milestoneName } from '../milestones';
import type { MailBody, MailContext } from './types';

export function stallEscalation(ctx: MailContext): MailBody {
  const { name, account, daysInStage } = ctx.deal;
  const stage = milestoneName(ctx.deal.milestone, ctx.locale);
  const director = ctx.level >= 2;
  if (ctx.locale === 'zh-CN') {
    const tag = director ? '停滞升级·总监' : '停滞升级·经理';
    return {
      subject: `【${tag}】${name}（${account}）在「${stage}」停留 ${daysInStage} 天`,
      heading: director ? '商机停滞：二级升级（总监）' : '商机停滞：一级升级（经理）',
      paragraphs: [
        `商机「${name}」在「${stage}」阶段已停留 ${daysInStage} 天，超过了该阶段的时限，仍没有里程碑进展。`,
        director
          ? '该商机此前已升级给销售经理，至今仍无进展，现升级给您。请与经理和销售一起确定下一步。'
          : '请与负责的销售沟通，帮助其推进，或确认该商机是否仍然有效。',
      ],
      showApproval: false,
    };
  }
  return {
    subject: `${director ? 'Stalled deal, director escalation' : 'Stalled deal, manager escalation'}: ${name} (${account}), ${daysInStage} days in ${stage}`,
    heading: director
      ? 'Stalled deal: level 2 escalation (director)'
      : 'Stalled deal: level 1 escalation (manager)',
    paragraphs: [
      `"${name}" has been in ${stage} for ${daysInStage} days, past the stage's time limit, with no milestone progress.`,
      director
        ? 'It was escalated to the sales manager earlier and is still stalled, so it now comes to you. Please agree the next step with the manager and the rep.'
        : 'Please talk to the rep and help move it forward, or confirm whether the deal is still alive.',
    ],
    showApproval: false,
  };
}
