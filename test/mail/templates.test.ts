import type { NotificationTemplate } from '../../src/contracts/activities';
import { actionsFor, renderNotification, type MailContext } from '../../src/mail/templates';
import { approvalFacts, dealFacts } from './fixtures';

const requester = '11111111-1111-4111-8111-111111111111';
const approver = '22222222-2222-4222-8222-222222222222';
const decider = '33333333-3333-4333-8333-333333333333';

function context(
  template: NotificationTemplate,
  locale: MailContext['locale'],
  overrides: Partial<MailContext> = {},
): MailContext {
  const { actions } = actionsFor(template);
  const links: MailContext['links'] = { deal: 'https://psm.example.test/#/opportunities/opp-1' };
  for (const a of actions) links[a] = `https://psm.example.test/email-actions/tok-${a}`;
  return {
    template,
    locale,
    timeZone: 'Asia/Shanghai',
    recipientName: locale === 'en' ? 'Alice' : '王经理',
    level: 1,
    deal: dealFacts({ opportunityId: 'opp-1' }),
    approval: approvalFacts({ requestedById: requester, approverId: approver }),
    people: { [requester]: 'Rep Zhang', [approver]: 'Manager Li', [decider]: 'Director Wu' },
    links,
    ...overrides,
  };
}

// What each template must say, per locale: the subject marker and a sentence of its body.
const EXPECTED: Record<
  NotificationTemplate,
  Record<MailContext['locale'], { subject: string; body: string }>
> = {
  follow_up_reminder: {
    'zh-CN': { subject: '【跟进提醒】', body: '没有记录任何销售活动' },
    en: { subject: 'Follow-up reminder:', body: 'No sales activity has been logged' },
  },
  stall_escalation: {
    'zh-CN': { subject: '【停滞升级·经理】', body: '一级升级（经理）' },
    en: { subject: 'Stalled deal, manager escalation', body: 'level 1 escalation (manager)' },
  },
  approval_request: {
    'zh-CN': { subject: '【审批请求】', body: 'Rep Zhang 就商机' },
    en: { subject: 'Approval requested:', body: 'Rep Zhang asks for your approval' },
  },
  approval_reminder: {
    'zh-CN': { subject: '【审批提醒】', body: '仍在等待您的审批' },
    en: { subject: 'Approval reminder:', body: 'is still waiting for your decision' },
  },
  approval_escalation: {
    'zh-CN': { subject: '【审批超时升级】', body: '审批人 Manager Li 至今未处理' },
    en: { subject: 'Overdue approval:', body: 'has not been decided by Manager Li' },
  },
  decision_notice: {
    'zh-CN': { subject: '【审批结果】', body: '申请已批准（Director Wu）' },
    en: { subject: 'Approval approved:', body: 'was approved by Director Wu' },
  },
  contract_window_escalation: {
    'zh-CN': { subject: '【合同签订超期】', body: '超过了合同签订的预期时限' },
    en: { subject: 'Contract window exceeded:', body: 'the contract is still not signed' },
  },
  handover_request: {
    'zh-CN': { subject: '【项目交底】', body: '已签订合同' },
    en: { subject: 'Handover waiting:', body: 'The FR or the delivery owner is asked' },
  },
  handover_escalation: {
    'zh-CN': { subject: '【交底超期】', body: '交底仍未被接收' },
    en: { subject: 'Handover overdue:', body: 'its handover is still not accepted' },
  },
  closing_summary: {
    'zh-CN': { subject: '【销售项目总结报告】', body: '经验教训尚未填写' },
    en: { subject: 'Sales project summary:', body: 'No lessons recorded yet' },
  },
};

const DEAL_FACTS: Record<MailContext['locale'], string[]> = {
  'zh-CN': [
    'Smart Grid Phase II',
    'Huadong Power',
    '¥1,234,567.00',
    '技术突破2',
    '17 天',
    '2026-03-02 14:30 GMT+8',
    '演示 / 测试（PoC）通过',
    '项目立项申请获得公司批准',
    'retired_criterion',
    '没有支持者，就没有订单',
    '王经理，您好：',
  ],
  en: [
    'Smart Grid Phase II',
    'Huadong Power',
    'CN¥1,234,567.00',
    'Technical breakthrough 2',
    '17 days',
    '2026-03-02 14:30 GMT+8',
    'Demo / PoC passed',
    'Initiation approved by the company',
    'retired_criterion',
    'No sponsor, no sale',
    'Hello Alice,',
  ],
};

const TEMPLATES = Object.keys(EXPECTED) as NotificationTemplate[];

describe('notification templates', () => {
  for (const template of TEMPLATES) {
    for (const locale of ['zh-CN', 'en'] as const) {
      it(`${template} in ${locale}: subject, sentences, deal facts and links in HTML and text`, () => {
        const ctx = context(template, locale, {
          approval: approvalFacts({
            requestedById: requester,
            approverId: approver,
            ...(template === 'decision_notice'
              ? { status: 'approved' as const, decidedById: decider, comment: 'ok' }
              : {}),
          }),
        });
        const mail = renderNotification(ctx);
        const expected = EXPECTED[template][locale];
        expect(mail.subject).toContain(expected.subject);
        expect(mail.subject).toContain('Smart Grid Phase II');
        for (const part of [mail.html, mail.text]) {
          expect(part).toContain(expected.body);
          for (const fact of DEAL_FACTS[locale]) expect(part).toContain(fact);
          expect(part).toContain('https://psm.example.test/#/opportunities/opp-1');
          for (const action of actionsFor(template).actions)
            expect(part).toContain(`https://psm.example.test/email-actions/tok-${action}`);
        }
        // The other language must not leak in.
        const foreign = locale === 'en' ? DEAL_FACTS['zh-CN'][3]! : DEAL_FACTS.en[3]!;
        expect(mail.html).not.toContain(foreign);
        expect(mail.text).not.toContain(foreign);
        expect(mail.html).toContain(`<html lang="${locale}">`);
      });
    }
  }

  it('carries exactly the actions that fit: approve/reject to approvers, acknowledge on escalations, none on notices', () => {
    expect(actionsFor('approval_request').actions).toEqual(['approve', 'reject']);
    expect(actionsFor('approval_reminder').actions).toEqual(['approve', 'reject']);
    expect(actionsFor('stall_escalation').actions).toEqual(['acknowledge']);
    expect(actionsFor('approval_escalation').actions).toEqual(['acknowledge']);
    expect(actionsFor('contract_window_escalation').actions).toEqual(['acknowledge']);
    expect(actionsFor('follow_up_reminder').actions).toEqual([]);
    expect(actionsFor('decision_notice').actions).toEqual([]);
    const html = renderNotification(context('approval_request', 'en')).html;
    expect(html).toMatch(/href="https:\/\/psm\.example\.test\/email-actions\/tok-approve"[^>]*>Approve</);
    expect(html).toMatch(/href="https:\/\/psm\.example\.test\/email-actions\/tok-reject"[^>]*>Reject</);
    expect(html).not.toContain('Acknowledge');
  });

  it('level 2 stall escalation is addressed to the director', () => {
    const zh = renderNotification(context('stall_escalation', 'zh-CN', { level: 2 }));
    expect(zh.subject).toContain('【停滞升级·总监】');
    expect(zh.text).toContain('二级升级（总监）');
    const en = renderNotification(context('stall_escalation', 'en', { level: 2 }));
    expect(en.subject).toContain('director escalation');
    expect(en.html).toContain('level 2 escalation (director)');
  });

  it('shows "none logged" without activity and no sponsor warning when not set', () => {
    const mail = renderNotification(
      context('follow_up_reminder', 'en', {
        deal: dealFacts({ lastActivityAt: null, noSponsorWarning: false, missingCriteria: [] }),
      }),
    );
    expect(mail.text).toContain('Last activity: none logged');
    expect(mail.text).toContain('Missing criteria: none');
    expect(mail.html).not.toContain('No sponsor');
  });

  it('escapes user-provided text in HTML and keeps it readable in text', () => {
    const evil = '<script>alert("x")</script> & <b>Co</b>';
    const ctx = context('approval_request', 'en', {
      recipientName: '<img src=x onerror=alert(1)>',
      deal: dealFacts({ name: evil, account: `O'Neil "Holdings"`, missingCriteria: ['<i>PoC</i>'] }),
      approval: approvalFacts({
        requestedById: requester,
        approverId: approver,
        reason: '</td><a href="javascript:x">click</a>',
      }),
      people: { [requester]: '<u>Rep</u>', [approver]: 'Manager Li' },
    });
    const mail = renderNotification(ctx);
    for (const raw of [
      '<script>',
      '<b>Co</b>',
      '<img src=x',
      '<i>PoC</i>',
      '<a href="javascript:x">',
      '<u>Rep</u>',
      `O'Neil "Holdings"`,
    ]) {
      expect(mail.html).not.toContain(raw);
    }
    expect(mail.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;',
    );
    expect(mail.html).toContain('O&#39;Neil &quot;Holdings&quot;');
    expect(mail.html).toContain('&lt;/td&gt;&lt;a href=&quot;javascript:x&quot;&gt;click&lt;/a&gt;');
    expect(mail.text).toContain(evil);
  });

  it('keeps the subject on one line whatever the deal name holds', () => {
    const mail = renderNotification(
      context('follow_up_reminder', 'en', { deal: dealFacts({ name: 'A\r\nBcc: victim@example.test' }) }),
    );
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('refuses to render a link that is not http(s)', () => {
    expect(() =>
      renderNotification(context('follow_up_reminder', 'en', { links: { deal: 'javascript:alert(1)' } })),
    ).toThrow(/non-http/);
  });

  it('formats other currencies and falls back on an unknown code', () => {
    expect(
      renderNotification(
        context('follow_up_reminder', 'en', { deal: dealFacts({ amount: 99.5, currency: 'USD' }) }),
      ).text,
    ).toContain('$99.50');
    expect(
      renderNotification(
        context('follow_up_reminder', 'en', { deal: dealFacts({ amount: 10, currency: 'XX1' }) }),
      ).text,
    ).toContain('10.00 XX1');
  });
});
