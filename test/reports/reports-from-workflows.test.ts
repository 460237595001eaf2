// Drives real deals through the real app (HTTP API → opportunity workflows on the real Temporal
// dev server → projection into PostgreSQL) and checks every report against what the workflows
// did, read back from the workflows themselves (their getState), to the unit.
import { localDay, quarterContaining } from '../../src/reports/report-period';
import { PSM_PROCESS } from '../../workflows/psm-process';
import type { OpportunityView } from '../../workflows/opportunity-view';
import { startTestApp, type TestApp, type TestUser } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
const states: Record<string, OpportunityView> = {};
const ids: Record<string, string> = {};
const quarter = quarterContaining(new Date());
const period = `from=${localDay(quarter.from)}&to=${localDay(new Date(quarter.to.getTime() - 1))}`;

/** A command, retried while the deal's reporting line is still being looked up (503). */
async function command(
  user: TestUser,
  method: string,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  return waitUntil(
    async () => {
      const res = await app.api(user, method, path, body);
      if (res.status === 503) return undefined;
      if (res.status !== 200)
        throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as Record<string, unknown>;
    },
    20_000,
    `${method} ${path}`,
  );
}

async function create(key: string, owner: TestUser, amount: number): Promise<string> {
  const res = await app.api(owner, 'POST', '/api/opportunities', {
    name: `Deal ${key}`,
    account: `Account ${key}`,
    amount,
  });
  expect(res.status).toBe(201);
  ids[key] = res.body.id as string;
  return ids[key]!;
}

async function approve(
  id: string,
  requester: TestUser,
  approver: TestUser,
  kind: 'milestone_gate' | 'skip_milestone',
  milestone: string,
) {
  const requested = await command(requester, 'POST', `/api/opportunities/${id}/approvals`, {
    kind,
    milestone,
    reason: 'ready',
  });
  await command(
    approver,
    'POST',
    `/api/opportunities/${id}/approvals/${String(requested.approvalId)}/decision`,
    { decision: 'approved' },
  );
}

/** Completes milestones in order with the criteria their rule needs (all of them, or the first). */
async function complete(id: string, owner: TestUser, keys: string[]) {
  for (const key of keys) {
    const m = PSM_PROCESS.milestones.find((x) => x.key === key)!;
    const criteriaMet = m.rule === 'all' ? m.criteria.map((c) => c.key) : [m.criteria[0]!.key];
    await command(owner, 'POST', `/api/opportunities/${id}/milestones`, {
      milestone: key,
      criteriaMet,
      evidence: `Evidence for ${key}`,
    });
  }
}

const [M0, M1, M2, M3, M4, M5] = PSM_PROCESS.milestones.map((m) => m.key) as [
  string,
  string,
  string,
  string,
  string,
  string,
];

beforeAll(async () => {
  app = await startTestApp();
  const { repA1, repA2, repB1, managerA, managerB, director } = app.org;

  // W1 repA1 120k: initiated, then to technical breakthrough 1 (open, 25 %).
  const w1 = await create('W1', repA1, 120_000);
  await approve(w1, repA1, managerA, 'milestone_gate', M0);
  await complete(w1, repA1, [M0, M1, M2]);
  // W2 repA1 300k: all the way: won.
  const w2 = await create('W2', repA1, 300_000);
  await approve(w2, repA1, managerA, 'milestone_gate', M0);
  await complete(w2, repA1, [M0, M1, M2, M3, M4, M5]);
  // W3 repA2 80k: initiation rejected, then lost.
  const w3 = await create('W3', repA2, 80_000);
  const asked = await command(repA2, 'POST', `/api/opportunities/${w3}/approvals`, {
    kind: 'milestone_gate',
    milestone: M0,
    reason: 'ready',
  });
  await command(managerA, 'POST', `/api/opportunities/${w3}/approvals/${String(asked.approvalId)}/decision`, {
    decision: 'rejected',
    comment: 'no budget',
  });
  await command(repA2, 'POST', `/api/opportunities/${w3}/lost`, { reason: 'No budget this year' });
  // W4 repA2 1.5M: the director approves initiation (large deal); deep engagement skipped with the manager's approval.
  const w4 = await create('W4', repA2, 1_500_000);
  await approve(w4, repA2, director, 'milestone_gate', M0);
  await complete(w4, repA2, [M0]);
  // A deal this size records its kickoff plan after initiation before it moves on (issue 14).
  await command(repA2, 'POST', `/api/opportunities/${w4}/plan`, {
    plannedDates: {
      [M1]: '2027-01-10',
      [M2]: '2027-02-10',
      [M3]: '2027-03-10',
      [M4]: '2027-04-10',
      [M5]: '2027-05-10',
    },
    decisionDate: '2027-04-30',
    risks: [],
    competitors: [],
    evidence: 'Kickoff minutes',
  });
  await approve(w4, repA2, managerA, 'skip_milestone', M1);
  await complete(w4, repA2, [M2]);
  // W5 repA2 50k: initiation asked, not decided yet.
  const w5 = await create('W5', repA2, 50_000);
  await command(repA2, 'POST', `/api/opportunities/${w5}/approvals`, {
    kind: 'milestone_gate',
    milestone: M0,
    reason: 'ready',
  });
  // W6 repA1 10k: on hold.
  const w6 = await create('W6', repA1, 10_000);
  await command(repA1, 'POST', `/api/opportunities/${w6}/hold`, { reason: 'customer freeze' });
  // W7 repB1 90k, team B: initiated. Must never show up in team A's numbers.
  const w7 = await create('W7', repB1, 90_000);
  await approve(w7, repB1, managerB, 'milestone_gate', M0);
  await complete(w7, repB1, [M0]);

  const quarterDays = {
    periodStart: localDay(quarter.from),
    periodEnd: localDay(new Date(quarter.to.getTime() - 1)),
  };
  expect(
    (await app.api(managerA, 'PUT', `/api/targets/${repA1.id}`, { ...quarterDays, amount: 1_000_000 }))
      .status,
  ).toBe(201);
  expect(
    (await app.api(managerA, 'PUT', `/api/targets/${repA2.id}`, { ...quarterDays, amount: 2_000_000 }))
      .status,
  ).toBe(201);

  // The API projects each command before answering, but what the workflows did on their own
  // (emails sent) lands asynchronously: wait (bounded) until every deal's read-model row has
  // caught up with its workflow's last event, then keep the workflows' own view of what happened.
  for (const [key, id] of Object.entries(ids)) {
    states[key] = await waitUntil(
      async () => {
        const view = (await app.api(app.org.admin, 'GET', `/api/opportunities/${id}`))
          .body as OpportunityView;
        const row = await app.db.prisma.opportunity.findUnique({ where: { id } });
        return row && row.lastEventSeq === view.seq ? view : undefined;
      },
      30_000,
      `projection of ${key}`,
    );
  }
}, 240_000);

afterAll(async () => {
  await app?.stop();
});

const teamA = () => ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'].map((k) => states[k]!);
const reachedIn = (v: OpportunityView, i: number) =>
  v.milestones[i]!.progress === 'reached' || v.milestones[i]!.progress === 'skipped';

it('the workflows did what the test asked', () => {
  expect(Object.fromEntries(Object.entries(states).map(([k, v]) => [k, [v.status, v.reachedIndex]]))).toEqual(
    {
      W1: ['open', 2],
      W2: ['won', 5],
      W3: ['lost', -1],
      W4: ['open', 2],
      W5: ['open', -1],
      W6: ['on_hold', -1],
      W7: ['open', 0],
    },
  );
  expect(states.W4!.milestones[1]!.progress).toBe('skipped');
});

it('funnel: reached, amount and conversion per milestone agree with the workflows', async () => {
  const res = await app.api(app.org.managerA, 'GET', `/api/reports/funnel?${period}`);
  expect(res.status).toBe(200);
  const expected = PSM_PROCESS.milestones.map((m, i) => {
    const reached = teamA().filter((v) => reachedIn(v, i));
    const advanced =
      i === PSM_PROCESS.milestones.length - 1 ? null : reached.filter((v) => reachedIn(v, i + 1)).length;
    return {
      key: m.key,
      reached: reached.length,
      skipped: reached.filter((v) => v.milestones[i]!.progress === 'skipped').length,
      amount: reached.reduce((s, v) => s + v.amount, 0),
      advancedToNext: advanced,
    };
  });
  expect(
    res.body.stages.map(({ key, reached, skipped, amount, advancedToNext }: Record<string, unknown>) => ({
      key,
      reached,
      skipped,
      amount,
      advancedToNext,
    })),
  ).toEqual(expected);
  // And in plain numbers: W1 W2 W4 initiated; W4 skipped deep engagement; only W2 went past TB1.
  expect(expected.map((s) => s.reached)).toEqual([3, 3, 3, 1, 1, 1]);
  expect(res.body.stages[2].conversionToNext).toBe(0.3333);
});

it('forecast: weighted open pipeline against the remaining target', async () => {
  const res = await app.api(app.org.managerA, 'GET', `/api/reports/forecast?${period}`);
  const open = teamA().filter((v) => v.status === 'open');
  const weighted = open.reduce((s, v) => s + (v.amount * v.probability) / 100, 0);
  const won = teamA()
    .filter((v) => v.status === 'won')
    .reduce((s, v) => s + v.amount, 0);
  expect(res.body.totals).toMatchObject({
    target: 3_000_000,
    won: { count: 1, amount: won },
    remainingTarget: 3_000_000 - won,
    pipeline: { count: open.length, amount: open.reduce((s, v) => s + v.amount, 0), weighted },
    commit: { count: 0, weighted: 0 },
    onHold: { count: 1, amount: 10_000 },
    coverage: Math.round((weighted * 100) / (3_000_000 - won)) / 100,
  });
  // W1 25 % of 120k + W4 25 % of 1.5M + W5 0 % of 50k; W2 300k won.
  expect([weighted, won]).toEqual([405_000, 300_000]);
});

it('movement: created, advanced, won, lost, days in stage, velocity and approval waits', async () => {
  const res = await app.api(app.org.managerA, 'GET', `/api/reports/movement?${period}`);
  const m = res.body;
  const amount = (vs: OpportunityView[]) => vs.reduce((s, v) => s + v.amount, 0);
  const advanced = teamA().filter((v) => v.reachedIndex >= 0);
  expect(m.created).toEqual({ count: 6, amount: amount(teamA()) });
  expect(m.advanced).toEqual({ count: advanced.length, amount: amount(advanced) });
  expect(m.won).toEqual({ count: 1, amount: 300_000 });
  expect(m.lost).toEqual({ count: 1, amount: 80_000 });
  expect(m.stalled).toEqual({ count: 0, amount: 0 });

  const openAt = (i: number) => teamA().filter((v) => v.status === 'open' && v.milestoneIndex === i).length;
  expect(m.daysInStage.map((s: { open: number }) => s.open)).toEqual(
    PSM_PROCESS.milestones.map((_, i) => openAt(i)),
  );
  expect(m.daysInStage[2]).toMatchObject({ open: 2, avgDays: 0, maxDays: 0 });

  // Velocity counts each milestone actually completed and then left: from the workflows' reachedAt.
  const left = PSM_PROCESS.milestones.map((_, i) =>
    teamA().flatMap((v) => {
      const here = v.milestones[i]!;
      const next = v.milestones.slice(i + 1).find((x) => x.reachedAt !== null);
      return here.progress === 'reached' && next
        ? [(Date.parse(next.reachedAt!) - Date.parse(here.reachedAt!)) / 86_400_000]
        : [];
    }),
  );
  expect(m.velocity.map((v: { transitions: number }) => v.transitions)).toEqual(left.map((d) => d.length));
  expect(m.velocity.map((v: { avgDays: number | null }) => v.avgDays)).toEqual(
    left.map((d) => (d.length ? Math.round((d.reduce((s, x) => s + x, 0) / d.length) * 10) / 10 : null)),
  );

  const approvals = teamA().flatMap((v) => v.approvals);
  for (const row of m.approvalWait) {
    const ofKind = approvals.filter((a) => a.kind === row.kind);
    const decided = ofKind.filter((a) => a.status === 'approved' || a.status === 'rejected');
    expect(row.decided).toBe(decided.length);
    expect(row.pending).toBe(ofKind.filter((a) => a.status === 'pending').length);
    if (decided.length) {
      const hours = decided.map((a) => (Date.parse(a.decidedAt!) - Date.parse(a.requestedAt)) / 3_600_000);
      expect(row.maxHours).toBe(Math.round(Math.max(...hours) * 10) / 10);
    }
  }
  // Gates: W1 W2 W4 approved, W3 rejected; W5's pending; W4's skip approved.
  expect(
    m.approvalWait.map((a: { kind: string; decided: number; pending: number }) => [
      a.kind,
      a.decided,
      a.pending,
    ]),
  ).toEqual([
    ['milestone_gate', 4, 1],
    ['skip_milestone', 1, 0],
    ['discount', 0, 0],
  ]);
});

it('bottlenecks: per-rep conversion against the team, with W4 the only deal of repA2 reaching TB1', async () => {
  const res = await app.api(
    app.org.managerA,
    'GET',
    `/api/reports/bottlenecks?${period}&marginPct=20&minSample=1`,
  );
  expect(res.body.team.map((s: { entered: number; advanced: number }) => [s.entered, s.advanced])).toEqual([
    [3, 3],
    [3, 3],
    [3, 1],
    [1, 1],
    [1, 1],
  ]);
  // repA2: W4 stuck at TB1 (0 of 1) against the team's 1 of 3.
  expect(res.body.flagged).toEqual([
    expect.objectContaining({
      userId: app.org.repA2.id,
      from: M2,
      to: M3,
      entered: 1,
      advanced: 0,
      rate: 0,
      teamRate: 0.3333,
      gapPct: 33.33,
    }),
  ]);
});

it("keeps team B out of team A's reports, and the admin sees both", async () => {
  const admin = await app.api(app.org.admin, 'GET', `/api/reports/funnel?${period}`);
  expect(admin.body.stages[0].reached).toBe(4); // W7 too
  const teamB = await app.api(app.org.managerB, 'GET', `/api/reports/funnel?${period}`);
  expect(teamB.body.stages[0]).toMatchObject({ reached: 1, amount: 90_000 });
  expect(
    (await app.api(app.org.managerB, 'GET', `/api/reports/funnel?${period}&rep=${app.org.repA1.id}`)).status,
  ).toBe(403);
});
