// The sales-project reports (issue 14) against the real read model through the real app: plan vs
// actual per deal and per milestone over the scope, the deal team's load, handovers waiting, and
// the weekly project report mailed by the real workflow through a real SMTP receiver, once per
// (week, deal, recipient), in each recipient's language, and viewable per week.
import { startSmtpReceiver, type SmtpReceiver } from '../mail/smtp-receiver';
import { startTestApp, type TestApp } from '../support/app';
import { day } from './deal-script';
import {
  ensureProjectReportsSchedule,
  projectReportsScheduleId,
} from '../../src/reports/projects/project-report-schedule';
import { seedProjects, type ProjectSeed } from './project-seed';

let app: TestApp;
let smtp: SmtpReceiver;
let seed: ProjectSeed;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  app = await startTestApp({ env: { SMTP_URL: smtp.url } });
  seed = await seedProjects(app.db.prisma, app.org);
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

const get = async (who: keyof TestApp['org'], path: string) => app.api(app.org[who], 'GET', path);
const slim = (m: { milestone: string; slippageDays: number | null; status: string }) => [
  m.milestone,
  m.slippageDays,
  m.status,
];

describe('plan vs actual', () => {
  it('measures every planned milestone of every planned deal, and per milestone over the scope', async () => {
    const res = await get('admin', '/api/reports/projects/plan-vs-actual?asOf=2026-02-09');
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe('2026-02-09');
    const deals = res.body.deals as { id: string; milestones: never[]; worstSlippageDays: number }[];
    expect(deals.map((d) => d.id)).toEqual([seed.lost, seed.metro, seed.port]); // by name
    const byId = Object.fromEntries(deals.map((d) => [d.id, d]));
    expect(byId[seed.metro]!.milestones.map(slim)).toEqual([
      ['deep_engagement', 3, 'late'],
      ['technical_breakthrough_1', 5, 'late'],
      ['technical_breakthrough_2', 3, 'overdue'], // planned 02-06, not reached by 02-09
      ['business_breakthrough', null, 'upcoming'],
      ['contract_signed', null, 'upcoming'],
    ]);
    expect(byId[seed.metro]!.worstSlippageDays).toBe(5);
    expect(byId[seed.port]!.milestones.map(slim)).toEqual([
      ['business_breakthrough', 6, 'late'],
      ['contract_signed', -3, 'early'],
    ]);
    expect(byId[seed.lost]!.milestones.map(slim)).toEqual([
      ['technical_breakthrough_1', null, 'not_reached'],
    ]);
    expect(byId[seed.lost]!.worstSlippageDays).toBe(0);

    expect(res.body.team).toEqual([
      {
        milestone: 'deep_engagement',
        milestoneIndex: 1,
        planned: 1,
        reached: 1,
        late: 1,
        overdue: 0,
        totalSlippageDays: 3,
        averageSlippageDays: 3,
      },
      {
        milestone: 'technical_breakthrough_1',
        milestoneIndex: 2,
        planned: 2,
        reached: 1,
        late: 1,
        overdue: 0,
        totalSlippageDays: 5,
        averageSlippageDays: 5,
      },
      {
        milestone: 'technical_breakthrough_2',
        milestoneIndex: 3,
        planned: 1,
        reached: 0,
        late: 0,
        overdue: 1,
        totalSlippageDays: 3,
        averageSlippageDays: 3,
      },
      {
        milestone: 'business_breakthrough',
        milestoneIndex: 4,
        planned: 2,
        reached: 1,
        late: 1,
        overdue: 0,
        totalSlippageDays: 6,
        averageSlippageDays: 6,
      },
      {
        milestone: 'contract_signed',
        milestoneIndex: 5,
        planned: 2,
        reached: 1,
        late: 0,
        overdue: 0,
        totalSlippageDays: -3,
        averageSlippageDays: -3,
      },
    ]);
  });

  it('is scoped: a rep sees their own deals, a manager their line', async () => {
    const rep = await get('repA1', '/api/reports/projects/plan-vs-actual?asOf=2026-02-09');
    expect(rep.body.deals.map((d: { id: string }) => d.id)).toEqual([seed.lost, seed.metro]);
    const managerB = await get('managerB', '/api/reports/projects/plan-vs-actual?asOf=2026-02-09');
    expect(managerB.body.deals.map((d: { id: string }) => d.id)).toEqual([seed.port]);
    expect(managerB.body.team.map((t: { milestone: string }) => t.milestone)).toEqual([
      'business_breakthrough',
      'contract_signed',
    ]);
    const outside = await get('repA1', `/api/reports/projects/plan-vs-actual?rep=${app.org.repB1.id}`);
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('FORBIDDEN');
  });

  it('measures overdue milestones to the day asked: TB2 is not overdue on its planned day', async () => {
    const res = await get(
      'admin',
      `/api/reports/projects/plan-vs-actual?asOf=2026-02-06&rep=${app.org.repA1.id}`,
    );
    const metro = res.body.deals.find((d: { id: string }) => d.id === seed.metro);
    expect(metro.milestones[2]).toMatchObject({ slippageDays: null, status: 'upcoming' });
  });

  it('refuses a bad day with a reason', async () => {
    const res = await get('admin', '/api/reports/projects/plan-vs-actual?asOf=2026-02-30');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.details[0].path).toBe('query.asOf');
  });
});

describe('deal team load', () => {
  it('counts open deals per SR and FR, and won deals whose handover waits for their FR', async () => {
    const res = await get('admin', '/api/reports/projects/team-load');
    expect(res.status).toBe(200);
    // repA2: SR on metro, FR on port (handover pending); repB1: FR on metro, SR on the plain deal.
    // repA1 is SR on port, which is won: no load. The lost deal counts for nobody.
    expect(res.body.people).toEqual([
      { userId: app.org.repA2.id, name: 'Ravi Rep', sr: 1, fr: 1, total: 2 },
      { userId: app.org.repB1.id, name: '张伟', sr: 1, fr: 1, total: 2 },
    ]);
  });

  it('counts the deals owned in the caller’s line (team members may come from elsewhere)', async () => {
    const res = await get('managerA', '/api/reports/projects/team-load');
    expect(res.body.people).toEqual([
      { userId: app.org.repB1.id, name: '张伟', sr: 1, fr: 1, total: 2 },
      { userId: app.org.repA2.id, name: 'Ravi Rep', sr: 1, fr: 0, total: 1 },
    ]);
  });
});

describe('handovers waiting', () => {
  it('lists won deals whose handover is not accepted, with who accepts it and how long it waits', async () => {
    const late = await get('admin', '/api/reports/projects/handovers?asOf=2026-02-09');
    expect(late.status).toBe(200);
    expect(late.body.handovers).toEqual([
      {
        id: seed.port,
        name: 'Port cranes',
        account: 'Seeded account',
        ownerId: app.org.repB1.id,
        acceptorId: app.org.repA2.id, // the FR: no delivery owner named
        wonAt: day(28).toISOString(),
        handoverDueAt: day(33).toISOString(),
        // Won 02-02 10:00, measured to the end of 02-09 (Shanghai): 7 whole days, past due (02-07).
        waitingDays: 7,
        overdue: true,
      },
    ]);
    const early = await get('admin', '/api/reports/projects/handovers?asOf=2026-02-06');
    expect(early.body.handovers[0]).toMatchObject({ waitingDays: 4, overdue: false });
    const otherLine = await get('managerA', '/api/reports/projects/handovers?asOf=2026-02-09');
    expect(otherLine.body.handovers).toEqual([]);
  });
});

describe('weekly project report', () => {
  // day(35) is Monday 2026-02-09 10:00 Shanghai: the report covers ISO week 2026-W06 (02-02 to 02-08).
  const AS_OF = day(35).toISOString();
  const run = (workflowId: string) =>
    app.client.workflow.execute('projectReports', {
      taskQueue: app.taskQueue,
      workflowId,
      args: [{ asOf: AS_OF }],
    });

  it('mails each planned deal worked in the week to its team, owner and owner’s manager, once', async () => {
    const result = await run('project-reports-test-1');
    // metro: repA1 (AR), repA2, repB1, managerA. port (won in the week): repB1, repA1, repA2, managerB.
    // The lost deal closed the week before: no report.
    expect(result).toEqual({ isoWeek: '2026-W06', deals: 2, mails: 8, sent: 8 });
    await smtp.waitForMessages(8);
    const again = await run('project-reports-test-2');
    expect(again).toEqual({ isoWeek: '2026-W06', deals: 2, mails: 8, sent: 0 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.messages).toHaveLength(8);
    const keys = await app.db.prisma.emailMessage.findMany({
      where: { template: 'project_report' },
      select: { idempotencyKey: true, status: true },
      orderBy: { idempotencyKey: 'asc' },
    });
    const { repA1, repA2, repB1, managerA, managerB } = app.org;
    expect(keys).toEqual(
      [
        ...[repA1, repA2, repB1, managerA].map((u) => `project-report:2026-W06:${seed.metro}:${u.id}`),
        ...[repB1, repA1, repA2, managerB].map((u) => `project-report:2026-W06:${seed.port}:${u.id}`),
      ]
        .sort()
        .map((idempotencyKey) => ({ idempotencyKey, status: 'sent' })),
    );
  });

  it('says what happened in the week, in each recipient’s language', async () => {
    const to = (email: string, subject: string) =>
      smtp.messages.find((m) => m.envelopeTo.includes(email) && m.subject.includes(subject))!;
    const en = to(app.org.managerA.email, 'Metro signalling');
    expect(en.subject).toBe('Weekly project report: Metro signalling (2026-W06)');
    expect(en.text).toContain('Hello Mia Manager,');
    expect(en.text).toContain('Technical breakthrough 1: 2026-02-04');
    expect(en.text).toContain('2026-02-03 | Call | Rita Rep | Pricing call');
    expect(en.text).toContain('2026-02-05 | Visit | Ravi Rep | Site survey');
    expect(en.text).not.toContain('Agenda'); // logged the week before
    expect(en.text).toContain('New risk: Key user leaves (owner 张伟; mitigation: Train a second user)');
    expect(en.text).toContain('Closed risk: Budget approval slips');
    expect(en.text).toContain('2 risks still tracked.');
    // As of the week's last day (02-08): TB2 (planned 02-06) is 2 days overdue.
    expect(en.text).toContain('Deep engagement | 2026-01-12 | 2026-01-15 | +3 | Late');
    expect(en.text).toContain('Technical breakthrough 2 | 2026-02-06 |  | +2 | Overdue');
    expect(en.text).toContain('Technical breakthrough 2: planned for 2026-02-06, overdue');
    expect(en.text).toContain('Business breakthrough: planned for 2026-02-20');
    expect(en.text).toContain('Customer decision date: 2026-03-01');

    const zh = to(app.org.repB1.email, 'Metro signalling');
    expect(zh.subject).toBe('销售项目周报：Metro signalling（2026-W06）');
    expect(zh.text).toContain('张伟，您好：');
    expect(zh.text).toContain('新增风险：Key user leaves（责任人 张伟；应对：Train a second user）');
    expect(zh.text).toContain('技术突破2 | 2026-02-06 |  | +2 | 已逾期');

    const port = to(app.org.managerB.email, 'Port cranes');
    expect(port.text).toContain('合同签订：2026-02-02');
    expect(port.text).toContain('合同签订 | 2026-02-05 | 2026-02-02 | -3 | 提前');
    expect(port.text).toContain('计划中的里程碑均已达成。');
  });

  it('is viewable per week by the deal’s line and its team, in the reader’s language', async () => {
    const path = `/api/opportunities/${seed.metro}/project-reports?week=2026-W06`;
    const fr = await get('repB1', path); // on the team, outside the owner's line
    expect(fr.status).toBe(200);
    expect(fr.body).toMatchObject({ opportunityId: seed.metro, isoWeek: '2026-W06' });
    expect(fr.body.content.subject).toBe('销售项目周报：Metro signalling（2026-W06）');
    const en = await get('repB1', `${path}&locale=en`);
    expect(en.body.content.subject).toBe('Weekly project report: Metro signalling (2026-W06)');
    expect((await get('managerA', path)).status).toBe(200);
    const outsider = await get('managerB', path);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('FORBIDDEN');
    const notEnded = await get('repA1', `/api/opportunities/${seed.metro}/project-reports?week=2099-W01`);
    expect(notEnded.status).toBe(400);
    expect((await get('admin', '/api/opportunities/no-such-deal/project-reports?week=2026-W06')).status).toBe(
      404,
    );
    const badWeek = await get('admin', `/api/opportunities/${seed.metro}/project-reports?week=2026-W60`);
    expect(badWeek.status).toBe(400);
  });
});

describe('project reports schedule', () => {
  it('is created at start-up on the weekly cron, starts projectReports, and keeps a pause', async () => {
    const handle = app.client.schedule.getHandle(projectReportsScheduleId(app.taskQueue));
    const described = await handle.describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'projectReports' });
    expect(described.spec.timezone).toBe('Asia/Shanghai');
    expect(described.spec.calendars?.length ?? described.spec.intervals?.length ?? 0).toBeGreaterThan(0);
    await handle.pause('test pause');
    const again = await ensureProjectReportsSchedule(app.client, {
      taskQueue: app.taskQueue,
      cron: '0 9 * * MON',
      timeZone: 'Asia/Shanghai',
    });
    expect(again).toEqual({ scheduleId: projectReportsScheduleId(app.taskQueue), created: false });
    expect((await handle.describe()).state.paused).toBe(true);
  });
});
