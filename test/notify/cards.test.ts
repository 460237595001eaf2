// The approval cards each platform receives: native structure, buttons carrying the two signed
// tokens, the recipient's language, and user text never turned into markup.
import type { ApprovalFacts, DealFacts } from '../../src/contracts/activities';
import {
  CARD_TOKEN_FIELD,
  buildApprovalCard,
  buildDecidedCard,
  cardIdFor,
  type ApprovalCardInput,
} from '../../src/notify/cards';

const deal: DealFacts = {
  opportunityId: 'opp-1',
  name: '[click](http://evil.example) ERP',
  account: 'Acme 集团',
  amount: 1_200_000,
  currency: 'CNY',
  ownerId: 'u-rep',
  milestone: 'business_breakthrough',
  milestoneIndex: 4,
  daysInStage: 3,
  lastActivityAt: null,
  missingCriteria: [],
  noSponsorWarning: false,
};
const approval: ApprovalFacts = {
  id: 'appr-1',
  kind: 'milestone_gate',
  milestone: 'contract_signed',
  amount: null,
  reason: 'customer wants to sign **now**',
  requestedById: 'u-rep',
  approverId: 'u-mgr',
  requestedAt: '2026-12-01T02:00:00.000Z',
  status: 'pending',
  decidedById: null,
  comment: null,
};
const input = (locale: 'zh-CN' | 'en'): ApprovalCardInput => ({
  template: 'approval_request',
  locale,
  timeZone: 'Asia/Shanghai',
  deal,
  approval,
  people: { 'u-rep': '王芳', 'u-mgr': 'Li Manager' },
  dealUrl: 'https://psm.example.com/#/opportunities/opp-1',
  cardId: cardIdFor('approval-request:opp-1:appr-1:u-mgr'),
  tokens: {
    approve: { token: 'TOKEN-APPROVE.sig', url: 'https://psm.example.com/email-actions/TOKEN-APPROVE.sig' },
    reject: { token: 'TOKEN-REJECT.sig', url: 'https://psm.example.com/email-actions/TOKEN-REJECT.sig' },
  },
});

describe('approval cards', () => {
  it('WeCom: a button_interaction template_card whose button keys are the tokens', () => {
    const payload = buildApprovalCard('wecom', input('zh-CN'));
    const card = payload.card as Record<string, any>;
    expect(card.card_type).toBe('button_interaction');
    expect(card.task_id).toMatch(/^[A-Za-z0-9_@-]{1,128}$/);
    expect(card.button_list).toEqual([
      { text: '批准', style: 1, key: 'TOKEN-APPROVE.sig' },
      { text: '驳回', style: 2, key: 'TOKEN-REJECT.sig' },
    ]);
    expect(card.main_title.title).toBe('审批请求');
    expect(card.sub_title_text).toContain('王芳');
    expect(card.horizontal_content_list).toContainEqual({ keyname: '客户', value: 'Acme 集团' });
    expect(payload.fallbackMarkdown).toContain('https://psm.example.com/#/opportunities/opp-1');
  });

  it('DingTalk: a work-notification action_card whose buttons open the signed link pages', () => {
    const payload = buildApprovalCard('dingtalk', input('en'));
    const card = payload.card as Record<string, any>;
    expect(card.btn_json_list).toEqual([
      { title: 'Approve', action_url: 'https://psm.example.com/email-actions/TOKEN-APPROVE.sig' },
      { title: 'Reject', action_url: 'https://psm.example.com/email-actions/TOKEN-REJECT.sig' },
      { title: 'Open the deal', action_url: 'https://psm.example.com/#/opportunities/opp-1' },
    ]);
    expect(card.markdown).toContain('### Approval requested');
    // The deal name is text, never a markdown link.
    expect(card.markdown).toContain('\\[click\\]\\(http://evil\\.example\\) ERP');
    expect(card.markdown).not.toMatch(/[^\\]\[click\]/);
  });

  it('Feishu: a message card with primary/danger buttons; user text only in plain_text', () => {
    const payload = buildApprovalCard('feishu', input('en'));
    const card = payload.card as Record<string, any>;
    const action = card.elements.find((e: any) => e.tag === 'action');
    expect(action.actions.map((a: any) => [a.type, a.value?.[CARD_TOKEN_FIELD]])).toEqual([
      ['primary', 'TOKEN-APPROVE.sig'],
      ['danger', 'TOKEN-REJECT.sig'],
      ['default', undefined],
    ]);
    const texts = JSON.stringify(card.elements);
    expect(texts).not.toContain('lark_md');
    expect(texts).toContain('[click](http://evil.example) ERP');
    expect(card.elements[0].text.content).toBe(
      '王芳 asks for your approval (Milestone gate · Contract signed) on "[click](http://evil.example) ERP".',
    );
  });

  it('the decided card has no buttons and says who decided, in the recipient language', () => {
    const facts = input('zh-CN');
    expect(buildDecidedCard('wecom', facts, 'approved', 'Li Manager')).toEqual({
      replace_name: '已批准（Li Manager）',
    });
    const feishu = buildDecidedCard('feishu', { ...facts, locale: 'en' }, 'rejected', 'Li Manager') as any;
    expect(JSON.stringify(feishu)).toContain('Rejected by Li Manager');
    expect(JSON.stringify(feishu)).not.toContain('TOKEN-');
    const ding = buildDecidedCard('dingtalk', facts, 'approved', '李经理') as any;
    expect(ding.markdown).toContain('已批准（李经理）');
    expect(JSON.stringify(ding)).not.toContain('TOKEN-');
  });

  it('card ids are stable per notification key and differ between keys', () => {
    expect(cardIdFor('k1')).toBe(cardIdFor('k1'));
    expect(cardIdFor('k1')).not.toBe(cardIdFor('k2'));
  });
});
