// Every notification on every IM channel, rendered in the recipient's language with the deal's
// facts and its link, against the local WeCom / DingTalk / Feishu servers; no mail goes out.
import type { NotificationTemplate } from '../../src/contracts/activities';
import type { ChannelKind } from '../../src/notify/channel';
import { deliveredOn, sendWithRetries } from './helpers';
import { BASE, ROBOT_OF, useImHarness } from './harness';

const SUBJECT_MARKERS: Record<NotificationTemplate, { zh_CN: string; en: string }> = {
  follow_up_reminder: { zh_CN: '【跟进提醒】', en: 'Follow-up reminder' },
  stall_escalation: { zh_CN: '【停滞升级·经理】', en: 'Stalled deal, manager escalation' },
  approval_request: { zh_CN: '【审批请求】', en: 'Approval requested' },
  approval_reminder: { zh_CN: '【审批提醒】', en: 'Approval reminder' },
  approval_escalation: { zh_CN: '【审批超时升级】', en: 'Overdue approval' },
  decision_notice: { zh_CN: '【审批结果】', en: 'Approval rejected' },
  contract_window_escalation: { zh_CN: '【合同签订超期】', en: 'Contract window exceeded' },
  handover_request: { zh_CN: '【项目交底】', en: 'Handover waiting' },
  handover_escalation: { zh_CN: '【交底超期】', en: 'Handover overdue' },
  closing_summary: { zh_CN: '【销售项目总结报告】', en: 'Sales project summary' },
};
const TEMPLATES = Object.keys(SUBJECT_MARKERS) as NotificationTemplate[];
const CHANNELS: ChannelKind[] = [
  'wecom_app',
  'wecom_robot',
  'dingtalk_app',
  'dingtalk_robot',
  'feishu_app',
  'feishu_robot',
];

describe('IM notification templates', () => {
  const h = useImHarness();

  for (const channel of CHANNELS) {
    it(`renders every template on ${channel} in the recipient's language, with the deal's facts and its link, and sends no mail`, async () => {
      const activities = h.activitiesWith();
      // Robots share one group: one language per template keeps within their per-minute limits.
      // One language per template, alternating, and shifted per channel: each channel shows both
      // languages and each template is seen in both across the channels.
      const shift = CHANNELS.indexOf(channel);
      for (const [i, template] of TEMPLATES.entries()) {
        {
          const locale = (i + shift) % 2 ? 'en' : 'zh_CN';
          const { user, platformUserId } = await h.recipientOn(channel, locale);
          const req = await h.requestFor(user.id, template);
          const before = deliveredOn(h.servers, channel).length;
          await sendWithRetries((r) => activities.sendNotification(r), req);
          const posted = deliveredOn(h.servers, channel).slice(before);
          expect(posted).toHaveLength(1);
          const text = posted[0]!;
          const card =
            template === 'approval_request' ||
            template === 'approval_reminder' ||
            template === 'approval_escalation';
          if (!(card && !ROBOT_OF[channel])) expect(text).toContain(SUBJECT_MARKERS[template][locale]);
          expect(text).toContain('Smart Grid Phase II');
          expect(text).toContain(`${BASE}/#/opportunities/${req.deal.opportunityId}`);
          if (!card || ROBOT_OF[channel]) expect(text).toContain(locale === 'en' ? 'Huadong Power' : '客户');
          if (ROBOT_OF[channel]) {
            // The member is @-mentioned in the group; no single-use action link is ever posted there.
            expect(text).toContain(platformUserId);
            expect(text).not.toMatch(/\/a\/[A-Za-z0-9_-]{20,}/);
          }
          const row = await h.db.prisma.channelDelivery.findFirstOrThrow({
            where: { idempotencyKey: req.key },
          });
          expect(row).toMatchObject({
            channel,
            status: 'sent',
            userId: user.id,
            opportunityId: req.deal.opportunityId,
            template,
          });
        }
      }
      expect(h.receiver.messages).toHaveLength(0);
    });
  }

  it('an approval request to an approver on WeCom, DingTalk and Feishu apps goes as the platform card', async () => {
    const activities = h.activitiesWith();
    const expected: Record<string, RegExp> = {
      wecom_app: /"msgtype":"template_card"/,
      dingtalk_app: /"msgtype":"action_card"/,
      feishu_app: /"elements"|"body"/,
    };
    for (const channel of ['wecom_app', 'dingtalk_app', 'feishu_app'] as const) {
      const { user } = await h.recipientOn(channel, 'zh_CN');
      const req = await h.requestFor(user.id, 'approval_request');
      await sendWithRetries((r) => activities.sendNotification(r), req);
      const text = deliveredOn(h.servers, channel).at(-1)!;
      expect(text).toMatch(expected[channel]!);
      if (channel === 'feishu_app') expect(h.servers.feishu.delivered.at(-1)!.msgType).toBe('interactive');
    }
  });
});
