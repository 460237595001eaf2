// The project reports over a sales project driven through the real API, workflow and read-model
// projection (no seeding): a ¥1.2M deal's kickoff plan, its SR and FR, a milestone reached early;
// the reports and the weekly project report then read what the projection wrote.
import { PSM_PROCESS } from '../../workflows/psm-process';
import { lastCompleteWeek } from '../../src/reports/report-period';
import { createDeal, startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const localDay = (days: number) =>
  new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
const criteria = (key: string): string[] => {
  const m = PSM_PROCESS.milestones.find((x) => x.key === key)!;
  const keys = m.criteria.map((c) => c.key as string);
  return m.rule === 'all' ? keys : keys.slice(0, 1);
};

test('plan vs actual, team load and the weekly project report of a deal run through the workflow', async () => {
  const { repA1, repA2, repB1, managerA } = app.org;
  const id = await createDeal(app, { name: 'Grid analytics', account: 'State Grid', amount: 1_200_000 });
  // ¥1.2M: the director approves the gate.
  const gate = await app.api(repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  const decided = await app.api(
    app.org.director,
    'POST',
    `/api/opportunities/${id}/approvals/${gate.body.approvalId}/decision`,
    { decision: 'approved' },
  );
  expect(decided.status).toBe(200);
  const complete = (milestone: string) =>
    app.api(repA1, 'POST', `/api/opportunities/${id}/milestones`, {
      milestone,
      criteriaMet: criteria(milestone),
      evidence: `Minutes for ${milestone}.`,
    });
  expect((await complete('project_initiation')).status).toBe(200);
  for (const [userId, role] of [
    [repB1.id, 'SR'],
    [repA2.id, 'FR'],
  ])
    expect((await app.api(repA1, 'POST', `/api/opportunities/${id}/team`, { userId, role })).status).toBe(
      200,
    );
  const plannedDates = Object.fromEntries(
    PSM_PROCESS.milestones.slice(1).map((m, i) => [m.key, localDay(4 + 10 * i)]),
  );
  const plan = await app.api(repA1, 'POST', `/api/opportunities/${id}/plan`, {
    plannedDates,
    decisionDate: localDay(60),
    risks: [{ risk: 'Budget freeze', ownerId: repA1.id, mitigation: 'Phase the delivery' }],
    competitors: ['Huawei'],
    evidence: 'Kickoff minutes',
  });
  expect(plan.status).toBe(200);
  expect((await complete('deep_engagement')).status).toBe(200); // planned in 4 days: 4 days early

  const report = await waitUntil(
    async () => {
      const res = await app.api(managerA, 'GET', `/api/reports/projects/plan-vs-actual?rep=${repA1.id}`);
      const deal = res.body.deals?.find((d: { id: string }) => d.id === id);
      return deal?.milestones[0]?.actualDate ? deal : undefined;
    },
    15_000,
    'the plan and the actual date in the read model',
  );
  expect(
    report.milestones.map((m: { milestone: string; slippageDays: number | null; status: string }) => [
      m.milestone,
      m.slippageDays,
      m.status,
    ]),
  ).toEqual([
    ['deep_engagement', -4, 'early'],
    ['technical_breakthrough_1', null, 'upcoming'],
    ['technical_breakthrough_2', null, 'upcoming'],
    ['business_breakthrough', null, 'upcoming'],
    ['contract_signed', null, 'upcoming'],
  ]);

  const load = await app.api(managerA, 'GET', `/api/reports/projects/team-load?rep=${repA1.id}`);
  expect(load.body.people).toEqual([
    { userId: repA2.id, name: 'Ravi Rep', sr: 0, fr: 1, total: 1 },
    { userId: repB1.id, name: '张伟', sr: 1, fr: 0, total: 1 },
  ]);

  // A week from now, the week just ended is this one: its report goes to the team, owner, manager.
  const asOf = new Date(Date.now() + 7 * 86_400_000);
  const result = await app.client.workflow.execute('projectReports', {
    taskQueue: app.taskQueue,
    workflowId: `project-reports-e2e-${id}`,
    args: [{ asOf: asOf.toISOString() }],
  });
  expect(result).toEqual({ isoWeek: lastCompleteWeek(asOf).isoWeek, deals: 1, mails: 4, sent: 4 });
  const mails = await app.db.prisma.emailMessage.findMany({ where: { template: 'project_report' } });
  expect(mails.map((m) => m.toUserId).sort()).toEqual([repA1.id, repA2.id, repB1.id, managerA.id].sort());
  const en = mails.find((m) => m.toUserId === managerA.id)!;
  expect(en.text).toContain('Project initiation: ');
  expect(en.text).toContain('Deep engagement: ');
  expect(en.text).toContain(`Deep engagement | ${localDay(4)} | ${localDay(0)} | -4 | Early`);
  expect(en.text).toContain('New risk: Budget freeze (owner Rita Rep; mitigation: Phase the delivery)');
  expect(en.text).toContain(`Technical breakthrough 1: planned for ${localDay(14)}`);
});
