// The weekly project report on the team's personal IM channel (issue 14): the real app (worker,
// Temporal dev server, PostgreSQL) with WeCom pointed at the local protocol server and a real SMTP
// receiver. repA1 (linked to WeCom) gets metro's and port's reports on WeCom and not by mail; the
// other recipients have no channel and get the mail. A second run posts and mails nothing more.
import { startSmtpReceiver, type SmtpReceiver } from '../mail/smtp-receiver';
import { startTestApp, type TestApp } from '../support/app';
import { day } from '../reports/deal-script';
import { seedProjects, type ProjectSeed } from '../reports/project-seed';
import { startImServers, ROBOTS, type ImServers } from './helpers';

jest.setTimeout(120_000);

let app: TestApp;
let smtp: SmtpReceiver;
let servers: ImServers;
let seed: ProjectSeed;

const AS_OF = day(35).toISOString();

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
      IM_ROBOTS: JSON.stringify(ROBOTS),
    },
  });
  seed = await seedProjects(app.db.prisma, app.org);
  await app.db.prisma.userChannel.createMany({
    data: [{ userId: app.org.repA1.id, position: 0, channel: 'wecom_app', platformUserId: 'rita.rep' }],
  });
  servers.wecom.addMember('rita.rep');
});
afterAll(async () => {
  await app?.stop();
  await servers?.stop();
  await smtp?.stop();
});

const run = (workflowId: string) =>
  app.client.workflow.execute('projectReports', {
    taskQueue: app.taskQueue,
    workflowId,
    args: [{ asOf: AS_OF }],
  });

it('goes to a member linked to WeCom on WeCom, to one without a channel by mail, and once', async () => {
  const result = await run('project-im-1');
  expect(result).toEqual({ isoWeek: '2026-W06', deals: 2, mails: 8, sent: 8 });
  const { repA1, managerA } = app.org;
  const onWeCom = servers.wecom.delivered.filter((d) => d.to === 'rita.rep');
  expect(onWeCom).toHaveLength(2);
  const contents = onWeCom.map((d) => (d.body as { markdown: { content: string } }).markdown.content);
  const metro = contents.find((c) => c.includes('Metro signalling'))!;
  expect(metro).toContain('**Weekly project report · Metro signalling**');
  expect(metro).toMatch(
    new RegExp(`\\]\\(https?://[^)]+/#/opportunities/${seed.metro}/project-report/2026-W06\\)$`),
  );
  expect(Buffer.byteLength(metro, 'utf8')).toBeLessThanOrEqual(2_048);

  await smtp.waitForMessages(6);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(smtp.messages).toHaveLength(6);
  expect(smtp.messages.some((m) => m.envelopeTo.includes(repA1.email))).toBe(false);
  expect(smtp.messages.filter((m) => m.envelopeTo.includes(managerA.email))).toHaveLength(1);
  const rows = await app.db.prisma.channelDelivery.findMany({ where: { template: 'project_report' } });
  expect(rows.map((r) => [r.idempotencyKey, r.channel, r.status]).sort()).toEqual(
    [seed.metro, seed.port]
      .map((deal) => [`project-report:2026-W06:${deal}:${repA1.id}`, 'wecom_app', 'sent'])
      .sort(),
  );
});

it('a second run of the same week posts and mails nothing more', async () => {
  const posts = servers.wecom.delivered.length;
  const result = await run('project-im-2');
  expect(result).toEqual({ isoWeek: '2026-W06', deals: 2, mails: 8, sent: 0 });
  expect(servers.wecom.delivered.length).toBe(posts);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(smtp.messages).toHaveLength(6);
});
