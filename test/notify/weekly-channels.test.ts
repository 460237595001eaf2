// The weekly report on the recipient's IM channel (issue 13): the real app (worker, Temporal dev
// server, PostgreSQL) with WeCom and Feishu pointed at the local protocol servers and a real SMTP
// receiver. Manager A (English) is reached on WeCom, manager B (中文) on Feishu, the director's
// WeCom id is unknown there: a permanent refusal, so the director gets the mail. A WeCom outage on
// the first attempt is retried on WeCom, never mailed. A second run of the week sends nothing more.
import { startSmtpReceiver, type SmtpReceiver } from '../mail/smtp-receiver';
import { startTestApp, type TestApp } from '../support/app';
import { day } from '../reports/deal-script';
import { seedQuarter, seedTargets } from '../reports/scenario';
import { startImServers, ROBOTS, type ImServers } from './helpers';

jest.setTimeout(120_000);

let app: TestApp;
let smtp: SmtpReceiver;
let servers: ImServers;

const AS_OF = day(35).toISOString();
const WEEK = '2026-W06';

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  servers = await startImServers();
  app = await startTestApp({
    env: {
      SMTP_URL: smtp.url,
      WECOM_API_BASE_URL: servers.wecom.baseUrl,
      WECOM_CORP_ID: servers.wecom.corpId,
      WECOM_AGENT_ID: String(servers.wecom.agentId),
      WECOM_APP_SECRET: servers.wecom.secret,
      FEISHU_API_BASE_URL: servers.feishu.baseUrl,
      FEISHU_APP_ID: servers.feishu.appId,
      FEISHU_APP_SECRET: servers.feishu.appSecret,
      IM_ROBOTS: JSON.stringify(ROBOTS),
    },
  });
  await seedQuarter(app.db.prisma, app.org);
  await seedTargets(app.db.prisma, app.org);
  const { managerA, managerB, director } = app.org;
  await app.db.prisma.userChannel.createMany({
    data: [
      // Manager A's first choice is the team's WeCom group robot: the report skips it (the team's
      // numbers are not for the group) and goes to the app message.
      { userId: managerA.id, position: 0, channel: 'wecom_robot', platformUserId: 'mia.manager' },
      { userId: managerA.id, position: 1, channel: 'wecom_app', platformUserId: 'mia.manager' },
      { userId: managerB.id, position: 0, channel: 'feishu_app', platformUserId: 'ou_wang_b' },
      { userId: director.id, position: 0, channel: 'wecom_app', platformUserId: 'not.a.member' },
    ],
  });
  await app.db.prisma.teamRobot.create({
    data: { managerId: managerA.id, channel: 'wecom_robot', robot: 'wecom-team' },
  });
  servers.wecom.addMember('mia.manager');
  servers.feishu.addUser('ou_wang_b');
});
afterAll(async () => {
  await app?.stop();
  await servers?.stop();
  await smtp?.stop();
});

const run = (workflowId: string) =>
  app.client.workflow.execute('weeklyReport', {
    taskQueue: app.taskQueue,
    workflowId,
    args: [{ asOf: AS_OF }],
  });

const wecomTo = (id: string) =>
  servers.wecom.delivered.filter((d) => d.to === id).map((d) => JSON.stringify(d.body));

it('goes on each manager’s channel in their language with a link, and by email where the channel refuses', async () => {
  // WeCom is down for the first attempt: retried on WeCom (no mail to manager A meanwhile).
  servers.wecom.failNext('/cgi-bin/message/send', 1);
  const result = await run('weekly-im-1');
  expect(result).toEqual({ isoWeek: WEEK, recipients: 3, sent: 3 });

  const { director, managerA, managerB } = app.org;
  // Manager A: one WeCom markdown in English with the report's numbers and the link to the week.
  expect(servers.wecom.delivered.filter((d) => d.kind === 'robot')).toHaveLength(0);
  const onWeCom = wecomTo('mia.manager');
  expect(onWeCom).toHaveLength(1);
  const body = JSON.parse(onWeCom[0]!) as { msgtype: string; markdown: { content: string } };
  expect(body.msgtype).toBe('markdown');
  expect(body.markdown.content).toContain('**Weekly sales report · 2026-W06**');
  expect(body.markdown.content).toContain('Hello Mia Manager,');
  expect(body.markdown.content).toContain('1. Is there enough pipeline for the target?');
  expect(body.markdown.content).toMatch(/\]\(https?:\/\/[^)]+\/#\/weekly\/2026-W06\)$/);
  expect(Buffer.byteLength(body.markdown.content, 'utf8')).toBeLessThanOrEqual(2_048);
  expect(servers.wecom.requestsTo('/cgi-bin/message/send').length).toBeGreaterThanOrEqual(2);

  // Manager B: on Feishu, in Chinese.
  const onFeishu = servers.feishu.delivered.filter((d) => d.to === 'ou_wang_b');
  expect(onFeishu).toHaveLength(1);
  const feishuText = JSON.stringify(onFeishu[0]!.content);
  expect(feishuText).toContain('销售项目周报');
  expect(feishuText).toContain('一、管道是否足以完成目标？');
  expect(feishuText).toContain('打开完整周报');

  // The director's WeCom id is unknown: dead on WeCom, the mail instead (and only that mail).
  await smtp.waitForMessages(1);
  expect(smtp.messages.map((m) => m.envelopeTo[0])).toEqual([director.email]);
  expect(smtp.messages[0]!.subject).toBe('Weekly sales report 2026-W06 (2026-02-02 – 2026-02-08)');
  expect(wecomTo('not.a.member')).toHaveLength(0);

  const rows = await app.db.prisma.channelDelivery.findMany({ where: { template: 'weekly_report' } });
  const byUser = (key: string) =>
    rows.filter((r) => r.idempotencyKey === key).map((r) => [r.channel, r.status, r.failureCode]);
  expect(byUser(`weekly:${WEEK}:${managerA.id}`)).toEqual([['wecom_app', 'sent', null]]);
  expect(byUser(`weekly:${WEEK}:${managerB.id}`)).toEqual([['feishu_app', 'sent', null]]);
  expect(byUser(`weekly:${WEEK}:${director.id}`)).toEqual([['wecom_app', 'dead', 'unknown_recipient']]);
  const mails = await app.db.prisma.emailMessage.findMany({ where: { template: 'weekly_report' } });
  expect(mails.map((m) => m.toUserId)).toEqual([director.id]);
});

it('a second run of the same week posts and mails nothing more', async () => {
  const posts = servers.wecom.delivered.length + servers.feishu.delivered.length;
  const result = await run('weekly-im-2');
  expect(result).toEqual({ isoWeek: WEEK, recipients: 3, sent: 0 });
  expect(servers.wecom.delivered.length + servers.feishu.delivered.length).toBe(posts);
  expect(smtp.messages).toHaveLength(1);
  expect(await app.db.prisma.channelDelivery.count({ where: { template: 'weekly_report' } })).toBe(3);
});
