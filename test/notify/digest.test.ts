// The morning digest end to end: the real app (worker, Temporal dev server, PostgreSQL) with its
// WeCom app on the local WeCom server and mail through a real SMTP receiver. One message per
// person per working morning, on their channel or by email (also when their channel refuses it
// for good), with what is due for them, in their language; a re-run, a retried activity or a
// schedule trigger on the same day sends nothing twice; weekends and China's days off send none.
import { createDigestActivities } from '../../activities/digest';
import { createChannelClients } from '../../src/notify/platforms';
import { parseImConfig } from '../../src/config/im';
import { createOutboxSender } from '../../src/mail/transport';
import { morningDigestScheduleId } from '../../src/notify/digest/digest-schedule';
import { startSmtpReceiver, type SmtpReceiver } from '../mail/smtp-receiver';
import { startTestApp, type TestApp } from '../support/app';
import { WeComServer } from '../support/im/wecom';
import { waitUntil } from '../support/wait';

let app: TestApp;
let smtp: SmtpReceiver;
let wecom: WeComServer;
const DAY = 86_400_000;
// Wednesday 2026-12-02, 08:30 in Shanghai.
const AS_OF = new Date('2026-12-02T00:30:00.000Z');

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  wecom = await new WeComServer().start();
  wecom.addMember('rita.rep');
  app = await startTestApp({
    env: {
      SMTP_URL: smtp.url,
      WECOM_API_BASE_URL: wecom.baseUrl,
      WECOM_CORP_ID: wecom.corpId,
      WECOM_AGENT_ID: String(wecom.agentId),
      WECOM_APP_SECRET: wecom.secret,
    },
  });
  const { prisma } = app.db;
  const { repA1, repA2, managerA, managerB } = app.org;
  // Rep A1 reads WeCom; manager B named a WeCom account WeCom does not know (falls back to mail).
  await prisma.userChannel.create({
    data: { userId: repA1.id, position: 0, channel: 'wecom_app', platformUserId: 'rita.rep' },
  });
  await prisma.userChannel.create({
    data: { userId: managerB.id, position: 0, channel: 'wecom_app', platformUserId: 'left.the.company' },
  });
  const deal = (
    id: string,
    ownerId: string,
    milestone: string,
    index: number,
    stageDays: number,
    lastDays: number | null,
  ) =>
    prisma.opportunity.create({
      data: {
        id,
        name: `Deal ${id}`,
        account: `Account ${id}`,
        amount: 100_000,
        ownerId,
        milestone,
        milestoneIndex: index,
        probability: 10,
        status: 'open',
        stageEnteredAt: new Date(AS_OF.getTime() - stageDays * DAY),
        lastActivityAt: lastDays === null ? null : new Date(AS_OF.getTime() - lastDays * DAY),
        createdAt: new Date(AS_OF.getTime() - 40 * DAY),
      },
    });
  // Due: deep engagement's cadence is 7 days, last follow-up 8 days ago.
  await deal('d-due', repA1.id, 'deep_engagement', 1, 9, 8);
  // Not due: followed up 2 days ago.
  await deal('d-fresh', repA1.id, 'deep_engagement', 1, 3, 2);
  // Near the SLA: project initiation's stall SLA is 14 days, 12 days in; rep A2 is manager A's report.
  await deal('d-near', repA2.id, 'project_initiation', 0, 12, 1);
  await prisma.approval.create({
    data: {
      id: 'apr-digest',
      opportunityId: 'd-near',
      kind: 'milestone_gate',
      milestone: 'project_initiation',
      requestedById: repA2.id,
      approverId: managerA.id,
      status: 'pending',
      requestedAt: new Date(AS_OF.getTime() - DAY),
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
  await wecom?.stop();
});

const run = (workflowId: string, asOf: Date) =>
  app.client.workflow.execute('morningDigest', {
    taskQueue: app.taskQueue,
    workflowId,
    args: [{ asOf: asOf.toISOString() }],
  });
const mailsTo = (email: string) => smtp.messages.filter((m) => m.envelopeTo.includes(email));

it('sends each rep, manager and director one digest on a working morning, on their channel or by email', async () => {
  const result = await run('digest-wed', AS_OF);
  expect(result).toEqual({ date: '2026-12-02', workingDay: true, recipients: 6, sent: 6 });
  const { repA1, managerA, managerB, director } = app.org;

  // Rep A1 on WeCom: their due follow-up, not the fresh one; no email.
  const onWeCom = wecom.delivered.filter((d) => d.to === 'rita.rep');
  expect(onWeCom).toHaveLength(1);
  const markdown = String((onWeCom[0]!.body.markdown as { content: string }).content);
  expect(markdown).toContain('"Deal d-due" \\(Account d-due\\) · Deep engagement');
  expect(markdown).not.toContain('d-fresh');
  expect(mailsTo(repA1.email)).toHaveLength(0);

  // Manager A by email (no channel): the team's deal near its SLA and the approval waiting for them.
  await smtp.waitForMessages(5);
  const [mail] = mailsTo(managerA.email);
  expect(mail!.subject).toBe("Daily digest 2026-12-02: today's list");
  expect(mail!.text).toContain('"Deal d-near" · Project initiation · 12 days in stage, limit 14');
  expect(mail!.text).toContain('Waiting for your approval');
  expect(mail!.text).toContain('"Deal d-near" · Milestone gate · Project initiation · asked by Ravi Rep');
  expect(mail!.text).not.toContain('Customer claims'); // the claims hook is empty until issue 11

  // Manager B's WeCom account is unknown to WeCom: a permanent refusal, so the digest went by email, in Chinese.
  const [zh] = mailsTo(managerB.email);
  expect(zh!.subject).toBe('【每日摘要】2026-12-02 今日待办');
  expect(zh!.text).toContain('今天没有待办事项。');
  const dead = await app.db.prisma.channelDelivery.findFirst({ where: { userId: managerB.id } });
  expect(dead).toMatchObject({ status: 'dead', failureCode: 'unknown_recipient' });
  expect(mailsTo(director.email)).toHaveLength(1);
  expect(mailsTo(app.org.admin.email)).toHaveLength(0);
});

it('a re-run, a retried activity and a schedule trigger on the same day send nothing twice', async () => {
  const mails = smtp.messages.length;
  const posts = wecom.delivered.length;
  expect(await run('digest-wed-again', AS_OF)).toMatchObject({ recipients: 6, sent: 0 });

  // The activity retried after a lost answer (same person, same date): already sent.
  const activities = createDigestActivities({
    prisma: app.db.prisma,
    // Already sent: nothing reaches a sender.
    sender: createOutboxSender(),
    from: 'PSM <psm@localhost>',
    clients: createChannelClients(
      parseImConfig({
        WECOM_API_BASE_URL: wecom.baseUrl,
        WECOM_CORP_ID: wecom.corpId,
        WECOM_AGENT_ID: String(wecom.agentId),
        WECOM_APP_SECRET: wecom.secret,
      }),
    ),
    publicBaseUrl: app.baseUrl,
    timeZone: 'Asia/Shanghai',
  });
  for (const user of [app.org.repA1, app.org.managerA]) {
    expect(
      await activities.sendMorningDigest({
        recipientId: user.id,
        date: '2026-12-02',
        asOf: AS_OF.toISOString(),
      }),
    ).toMatchObject({ alreadySent: true });
  }
  expect(smtp.messages.length).toBe(mails);
  expect(wecom.delivered.length).toBe(posts);
  const keys = await app.db.prisma.emailMessage.findMany({
    where: { template: 'morning_digest' },
    select: { idempotencyKey: true },
  });
  expect(keys.map((k) => k.idempotencyKey).filter((k) => k.startsWith('digest:2026-12-02:'))).toHaveLength(5);
});

it('sends nothing on a weekend or a Chinese public holiday, and does on a make-up working Sunday', async () => {
  expect(await run('digest-sat', new Date('2026-12-05T00:30:00.000Z'))).toEqual({
    date: '2026-12-05',
    workingDay: false,
    recipients: 0,
    sent: 0,
  });
  // 2026-10-01 (National Day) is a day off; Sunday 2026-09-20 is a 补班 working day.
  expect(await run('digest-national-day', new Date('2026-10-01T00:30:00.000Z'))).toMatchObject({
    workingDay: false,
  });
  expect(await run('digest-makeup-sunday', new Date('2026-09-20T00:30:00.000Z'))).toMatchObject({
    workingDay: true,
    recipients: 6,
  });
});

it('is started by the Temporal Schedule the worker created, at 08:30 Asia/Shanghai', async () => {
  const handle = app.client.schedule.getHandle(morningDigestScheduleId(app.taskQueue));
  const described = await handle.describe();
  expect(described.spec.timezone).toBe('Asia/Shanghai');
  const next = described.info.nextActionTimes[0]!;
  expect(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Shanghai',
      hour: '2-digit',
      minute: '2-digit',
    }).format(next),
  ).toBe('08:30');
  // Triggered twice (an admin's "run now", a catch-up): the same day's digests go out once.
  await handle.trigger();
  const first = await waitUntil(async () => (await handle.describe()).info.recentActions[0]);
  const r1 = await app.client.workflow.getHandle(first.action.workflow.workflowId).result();
  await handle.trigger();
  const second = await waitUntil(async () => (await handle.describe()).info.recentActions[1]);
  const r2 = await app.client.workflow.getHandle(second.action.workflow.workflowId).result();
  expect(r2.date).toBe(r1.date);
  expect(r2.sent).toBe(0);
});
