// The weekly report end to end: the real app (real worker, real Temporal dev server, real
// PostgreSQL) mailing through a real SMTP receiver; the workflow run directly for a pinned week,
// then the start-up schedule paused, resumed and triggered through the admin API.
import {
  ensureWeeklyReportSchedule,
  weeklyReportScheduleId,
} from '../../src/reports/weekly/weekly-report-schedule';
import { lastCompleteWeek } from '../../src/reports/report-period';
import { startSmtpReceiver, type SmtpReceiver } from '../mail/smtp-receiver';
import { startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';
import type { DealScript } from './deal-script';
import { day } from './deal-script';
import { seedQuarter, seedTargets } from './scenario';

let app: TestApp;
let smtp: SmtpReceiver;
let deals: Record<string, DealScript>;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  app = await startTestApp({ env: { SMTP_URL: smtp.url } });
  deals = await seedQuarter(app.db.prisma, app.org);
  await seedTargets(app.db.prisma, app.org);
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

// day(35) is Monday 2026-02-09 10:00 Shanghai: the report covers Mon 02-02 to Sun 02-08, ISO week 2026-W06
// (2026-01-01 is a Thursday, so W01 ends on Jan 4). In it: D3's SLA breach (d30). The week before
// (01-26 to 02-01): D1 reached TB1 (d21), D2 reached business breakthrough (d22) and was won (d27).
const AS_OF = day(35).toISOString();
const WEEK = '2026-W06';

async function runWeeklyReport(workflowId: string) {
  return app.client.workflow.execute('weeklyReport', {
    taskQueue: app.taskQueue,
    workflowId,
    args: [{ asOf: AS_OF }],
  });
}

const mailTo = (email: string) => {
  const mail = smtp.messages.find((m) => m.envelopeTo.includes(email));
  if (!mail) throw new Error(`no mail to ${email}`);
  return mail;
};

describe('weekly report workflow', () => {
  it('mails every manager and director their team’s report once, in their language', async () => {
    const result = await runWeeklyReport('weekly-test-1');
    expect(result).toEqual({ isoWeek: WEEK, recipients: 3, sent: 3 });
    await smtp.waitForMessages(3);
    const { director, managerA, managerB } = app.org;
    expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(
      [director.email, managerA.email, managerB.email].sort(),
    );

    const rows = await app.db.prisma.emailMessage.findMany({
      where: { template: 'weekly_report' },
      orderBy: { idempotencyKey: 'asc' },
    });
    expect(rows.map((r) => [r.idempotencyKey, r.status, r.transport])).toEqual(
      [director, managerA, managerB]
        .map((u) => [`weekly:${WEEK}:${u.id}`, 'sent', 'smtp'])
        .sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );

    const zh = mailTo(managerB.email);
    expect(zh.subject).toBe('【销售项目周报】2026-W06（2026-02-02 – 2026-02-08）');
    expect(zh.text).toContain('一、管道是否足以完成目标？');
    expect(zh.text).toContain('本计划期尚未设定目标。'); // nobody in team B has a target
    expect(zh.text).toContain('目前没有停滞的商机。');
  });

  it('answers the three questions for team A with the numbers of its deals', async () => {
    const { text, html, subject } = mailTo(app.org.managerA.email);
    expect(subject).toBe('Weekly sales report 2026-W06 (2026-02-02 – 2026-02-08)');
    // 1. Pipeline against plan: Q1 (the shortest target period covering 02-08), 39 days 10 hours of 90 gone.
    expect(text).toContain(
      'The plan period 2026-01-01 – 2026-03-31 is 43.8% through and 10.5% of the target is won; the weighted pipeline covers the remaining target 0.16×.',
    );
    expect(text).toContain(
      'Total | CN¥1,900,000.00 | CN¥200,000.00 | CN¥1,700,000.00 | CN¥265,000.00 | CN¥225,000.00 | CN¥40,000.00 | 0.16×',
    );
    expect(text).toContain(
      'Rita Rep | CN¥1,000,000.00 | CN¥200,000.00 | CN¥800,000.00 | CN¥30,000.00 | CN¥0.00 | CN¥30,000.00 | 0.04×',
    );
    // Movement: this week one deal stalled; last week two advanced and one won.
    expect(text).toContain('Advanced | 0 deals · CN¥0.00 | 2 deals · CN¥300,000.00');
    expect(text).toContain('Stalled (stage time limit passed) | 1 deal · CN¥50,000.00 | 0 deals · CN¥0.00');
    expect(text).toContain('Won | 0 deals · CN¥0.00 | 1 deal · CN¥200,000.00');
    // 2. Moving? The stalled list names D3, with its days in stage as of the run (d3 → d35).
    expect(text).toContain('1 deal is stalled right now, worth CN¥50,000.00 in total.');
    expect(text).toContain(
      `${deals.D3!.snapshot().name} | Seeded account | Rita Rep | Deep engagement | 32 | manager | CN¥50,000.00`,
    );
    // 3. Bottleneck? Not with 20 points and 5 deals as the bar.
    expect(text).toContain('No rep is clearly below the team.');
    // Deal names are user input: escaped in HTML.
    expect(html).toContain('Core banking &lt;b&gt;&amp;&lt;/b&gt;');
    expect(html).not.toContain('<b>&');
  });

  it('gives a director one plan row per manager, covering that manager’s whole team', async () => {
    const { text } = mailTo(app.org.director.email);
    expect(text).toContain('Team / rep | Target | Won |');
    expect(text).toContain(
      'Mia Manager | CN¥1,900,000.00 | CN¥200,000.00 | CN¥1,700,000.00 | CN¥265,000.00 | CN¥225,000.00 | CN¥40,000.00 | 0.16×',
    );
    expect(text).not.toContain('Rita Rep | CN¥1,000,000.00');
    expect(text).toContain('Here is how your team (6 people)');
  });

  it('never mails anyone twice for the same week, however often it runs', async () => {
    const again = await runWeeklyReport('weekly-test-2');
    expect(again).toEqual({ isoWeek: WEEK, recipients: 3, sent: 0 });
    expect(smtp.messages).toHaveLength(3);
    expect(await app.db.prisma.emailMessage.count({ where: { template: 'weekly_report' } })).toBe(3);
  });
});

describe('weekly report schedule', () => {
  const scheduleId = () => weeklyReportScheduleId(app.taskQueue);

  it('was created at start-up: Mondays 09:00 Asia/Shanghai', async () => {
    const state = await app.api(app.org.admin, 'GET', '/api/admin/weekly-report');
    expect(state).toMatchObject({ status: 200, body: { scheduleId: scheduleId(), paused: false } });
    for (const next of state.body.nextRuns as string[]) {
      const at = new Date(next);
      expect([at.getUTCDay(), at.getUTCHours(), at.getUTCMinutes()]).toEqual([1, 1, 0]); // Monday 01:00Z = 09:00 +08:00
    }
  });

  it('can be paused, stays paused across a restart, and resumes', async () => {
    const paused = await app.api(app.org.admin, 'POST', '/api/admin/weekly-report/pause');
    expect(paused).toMatchObject({
      status: 200,
      body: { paused: true, note: expect.stringContaining('pause by admin@test.psm') },
    });
    // What start-up does again after a restart or a deployment:
    const ensured = await ensureWeeklyReportSchedule(app.client, {
      taskQueue: app.taskQueue,
      cron: '0 9 * * MON',
      timeZone: 'Asia/Shanghai',
    });
    expect(ensured).toEqual({ scheduleId: scheduleId(), created: false });
    expect((await app.client.schedule.getHandle(scheduleId()).describe()).state.paused).toBe(true);
    expect((await app.api(app.org.admin, 'POST', '/api/admin/weekly-report/resume')).body.paused).toBe(false);
  });

  it('takes a new cron on the next start-up', async () => {
    await ensureWeeklyReportSchedule(app.client, {
      taskQueue: app.taskQueue,
      cron: '30 17 * * FRI',
      timeZone: 'Asia/Shanghai',
    });
    const next = new Date((await app.api(app.org.admin, 'GET', '/api/admin/weekly-report')).body.nextRuns[0]);
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([5, 9, 30]);
    await ensureWeeklyReportSchedule(app.client, {
      taskQueue: app.taskQueue,
      cron: '0 9 * * MON',
      timeZone: 'Asia/Shanghai',
    });
  });

  it('sends this week’s reports when an admin triggers it', async () => {
    const week = lastCompleteWeek(new Date()).isoWeek;
    expect((await app.api(app.org.admin, 'POST', '/api/admin/weekly-report/trigger')).status).toBe(200);
    const keys = await waitUntil(
      async () => {
        const rows = await app.db.prisma.emailMessage.findMany({
          where: { idempotencyKey: { startsWith: `weekly:${week}:` }, status: 'sent' },
        });
        return rows.length === 3 ? rows.map((r) => r.toUserId).sort() : undefined;
      },
      60_000,
      'the triggered weekly report',
    );
    expect(keys).toEqual([app.org.director.id, app.org.managerA.id, app.org.managerB.id].sort());
    const recent = (await app.api(app.org.admin, 'GET', '/api/admin/weekly-report')).body.recentRuns;
    expect(recent[0].workflowId).toMatch(/^weekly-report\./);
  });
});
