// sendNotification against a real SMTP receiver and a real PostgreSQL.
import { ApplicationFailure } from '@temporalio/common';
import type { NotificationRequest, NotificationTemplate } from '../../src/contracts/activities';
import { createEmailActivities, type EmailActivities } from '../../activities/email';
import { messageIdFor } from '../../src/mail/message-id';
import { createActionLinks, type ActionLinks } from '../../src/links';
import { createMailTransport, type MailSender } from '../../src/mail/transport';
import { approvalFacts, createUser, dealFacts } from '../mail/fixtures';
import { freePort, startSmtpReceiver, type SmtpReceiver } from '../mail/smtp-receiver';
import { createTestDatabase, type TestDatabase } from '../support/database';

const FROM = 'PSM <psm@psm.example.test>';
const BASE = 'https://psm.example.test';

describe('email activity', () => {
  let db: TestDatabase;
  let links: ActionLinks;
  let receiver: SmtpReceiver;
  let sender: MailSender;
  let activities: EmailActivities;
  let seq = 0;
  const nextKey = (what: string) => `opp-test:${what}:${++seq}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    links = createActionLinks({
      prisma: db.prisma,
      secret: 'activity-test-secret'.padEnd(40, '!'),
      publicBaseUrl: BASE,
      ttlHours: 72,
    });
    receiver = await startSmtpReceiver();
    sender = createMailTransport({ smtpUrl: receiver.url, tlsRejectUnauthorized: true });
    activities = createEmailActivities({ prisma: db.prisma, sender, from: FROM, publicBaseUrl: BASE, links });
  });
  afterAll(async () => {
    sender.close();
    await receiver.stop();
    await db.drop();
  });
  beforeEach(() => {
    receiver.messages.length = 0;
  });

  async function request(
    template: NotificationTemplate,
    locale: 'zh_CN' | 'en',
    extra: Partial<NotificationRequest> = {},
  ): Promise<NotificationRequest> {
    const recipient = await createUser(db.prisma, {
      locale,
      name: locale === 'en' ? 'Alice Manager' : '李经理',
    });
    const rep = await createUser(db.prisma, { role: 'rep', name: 'Rep Zhang' });
    const approval = approvalFacts({
      requestedById: rep.id,
      approverId: recipient.id,
      ...(template === 'decision_notice'
        ? { status: 'rejected' as const, decidedById: recipient.id, comment: 'too early' }
        : {}),
    });
    return {
      key: nextKey(template),
      template,
      recipientUserId: recipient.id,
      level: 1,
      deal: dealFacts({ ownerId: rep.id }),
      approval,
      ...extra,
    };
  }

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

  for (const template of Object.keys(SUBJECT_MARKERS) as NotificationTemplate[]) {
    for (const locale of ['zh_CN', 'en'] as const) {
      it(`delivers ${template} in ${locale} over SMTP, recorded as sent`, async () => {
        const req = await request(template, locale);
        await activities.sendNotification(req);
        const [mail] = await receiver.waitForMessages(1);
        const recipient = await db.prisma.user.findUniqueOrThrow({ where: { id: req.recipientUserId } });
        expect(mail!.envelopeTo).toEqual([recipient.email]);
        expect(mail!.subject).toContain(SUBJECT_MARKERS[template][locale]);
        expect(mail!.headers.get('message-id')).toBe(messageIdFor(req.key, FROM));
        const stage = locale === 'en' ? 'Technical breakthrough 2' : '技术突破2';
        const amount = locale === 'en' ? 'CN¥1,234,567.00' : '¥1,234,567.00';
        const criterion = locale === 'en' ? 'Demo / PoC passed' : '演示 / 测试（PoC）通过';
        for (const part of [mail!.text, mail!.html]) {
          expect(part).toContain(stage);
          expect(part).toContain(amount);
          expect(part).toContain(criterion);
          expect(part).toContain('Huadong Power');
          expect(part).toContain(`${BASE}/#/opportunities/${req.deal.opportunityId}`);
        }
        const row = await db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: req.key } });
        expect(row).toMatchObject({
          status: 'sent',
          transport: 'smtp',
          attempts: 1,
          lastError: null,
          toUserId: recipient.id,
          template,
          opportunityId: req.deal.opportunityId,
        });
        expect(row.subject).toBe(mail!.subject);
      });
    }
  }

  it('mails working one-click links, bound to the recipient and the approval', async () => {
    const req = await request('approval_request', 'en');
    await activities.sendNotification(req);
    const [mail] = await receiver.waitForMessages(1);
    const urls = [...mail!.text.matchAll(new RegExp(`${BASE}/email-actions/([A-Za-z0-9_.-]+)`, 'g'))].map(
      (m) => m[1]!,
    );
    expect(urls).toHaveLength(2);
    const verified = await Promise.all(urls.map((token) => links.verify(token)));
    expect(verified.map((v) => v.payload.action)).toEqual(['approve', 'reject']);
    for (const v of verified) {
      expect(v.payload).toMatchObject({
        subjectId: req.approval!.id,
        opportunityId: req.deal.opportunityId,
        userId: req.recipientUserId,
      });
    }
    const ack = await request('stall_escalation', 'en');
    await activities.sendNotification(ack);
    await receiver.waitForMessages(2);
    const token = /email-actions\/([A-Za-z0-9_.-]+)/.exec(receiver.messages[1]!.text)![1]!;
    expect((await links.verify(token)).payload).toMatchObject({
      action: 'acknowledge',
      subjectId: ack.deal.opportunityId,
    });
  });

  it('sends once per key: a repeated call, and concurrent calls, deliver exactly one mail', async () => {
    const req = await request('stall_escalation', 'zh_CN');
    await activities.sendNotification(req);
    await activities.sendNotification(req);
    await Promise.all([activities.sendNotification(req), activities.sendNotification(req)]);
    const concurrent = await request('contract_window_escalation', 'en');
    // One attempt claims the mail; the others find its live claim and fail retryably (CONFLICT),
    // and their retry finds it sent.
    const settled = await Promise.allSettled(
      Array.from({ length: 4 }, () => activities.sendNotification(concurrent)),
    );
    for (const s of settled.filter((s) => s.status === 'rejected'))
      expect(s.reason).toMatchObject({ type: 'CONFLICT', nonRetryable: false });
    await activities.sendNotification(concurrent);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.messages.map((m) => m.headers.get('message-id')).sort()).toEqual(
      [messageIdFor(req.key, FROM), messageIdFor(concurrent.key, FROM)].sort(),
    );
    expect(
      await db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: concurrent.key } }),
    ).toMatchObject({ attempts: 1, status: 'sent' });
  });

  it('SMTP down: the attempt is recorded and rethrown; once SMTP is back the retry delivers exactly one mail with the same links', async () => {
    const port = await freePort();
    const downSender = createMailTransport({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      tlsRejectUnauthorized: true,
    });
    const flaky = createEmailActivities({
      prisma: db.prisma,
      sender: downSender,
      from: FROM,
      publicBaseUrl: BASE,
      links,
    });
    const req = await request('approval_reminder', 'zh_CN');
    try {
      await expect(flaky.sendNotification(req)).rejects.toThrow(/ECONNREFUSED/);
      const failed = await db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: req.key } });
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
      expect(failed.lastError).toMatch(/ECONNREFUSED/);
      const tokensBefore = await db.prisma.actionToken.findMany({
        where: { userId: req.recipientUserId },
        orderBy: { id: 'asc' },
      });
      expect(tokensBefore).toHaveLength(2);

      const back = await startSmtpReceiver({ port });
      try {
        await flaky.sendNotification(req);
        await flaky.sendNotification(req);
        await back.waitForMessages(1);
        await new Promise((r) => setTimeout(r, 200));
        expect(back.messages).toHaveLength(1);
        expect(back.messages[0]!.subject).toContain('【审批提醒】');
        // The mail sent on retry is the one rendered the first time, with the same link tokens.
        const actionUrls = (text: string) =>
          [...text.matchAll(/\/email-actions\/[A-Za-z0-9_.-]+/g)].map((m) => m[0]);
        expect(actionUrls(back.messages[0]!.text)).toEqual(actionUrls(failed.text));
        expect(actionUrls(failed.text)).toHaveLength(2);
        expect(
          await db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: req.key } }),
        ).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
        expect(
          await db.prisma.actionToken.findMany({
            where: { userId: req.recipientUserId },
            orderBy: { id: 'asc' },
          }),
        ).toEqual(tokensBefore);
      } finally {
        await back.stop();
      }
    } finally {
      downSender.close();
    }
  });

  it('outbox mode (no SMTP_URL) stores the rendered mail as sent and sends nothing', async () => {
    const outbox = createEmailActivities({
      prisma: db.prisma,
      sender: createMailTransport({ smtpUrl: undefined, tlsRejectUnauthorized: true }),
      from: FROM,
      publicBaseUrl: BASE,
      links,
    });
    const req = await request('follow_up_reminder', 'en');
    await outbox.sendNotification(req);
    await outbox.sendNotification(req);
    const rows = await db.prisma.emailMessage.findMany({ where: { idempotencyKey: req.key } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'sent',
      transport: 'outbox',
      attempts: 1,
      messageId: messageIdFor(req.key, FROM),
    });
    expect(rows[0]!.subject).toContain('Follow-up reminder');
    expect(rows[0]!.text).toContain('Smart Grid Phase II');
    expect(rows[0]!.sentAt).not.toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.messages).toHaveLength(0);
  });

  it('an unknown or inactive recipient is a non-retryable NOT_FOUND, and nothing is stored', async () => {
    for (const recipientUserId of [
      '8b0d1f9e-0000-4000-8000-000000000000',
      'not-a-uuid',
      (await createUser(db.prisma, { active: false })).id,
    ]) {
      const req = { ...(await request('stall_escalation', 'en')), recipientUserId };
      const err = await activities.sendNotification(req).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: 'NOT_FOUND', nonRetryable: true });
      expect(await db.prisma.emailMessage.count({ where: { idempotencyKey: req.key } })).toBe(0);
    }
    expect(receiver.messages).toHaveLength(0);
  });

  it('a malformed request is a non-retryable INVALID_INPUT', async () => {
    const req = await request('approval_request', 'en', { approval: undefined });
    await expect(activities.sendNotification(req)).rejects.toMatchObject({
      type: 'INVALID_INPUT',
      nonRetryable: true,
    });
    const badKey = await request('follow_up_reminder', 'en', { key: 'has spaces\r\nBcc: x' });
    await expect(activities.sendNotification(badKey)).rejects.toMatchObject({
      type: 'INVALID_INPUT',
      nonRetryable: true,
    });
  });
});
