// The HTTP API against the real app: real Temporal, real PostgreSQL, the real worker.
import { startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';
import { PSM_PROCESS } from '../../workflows/psm-process';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const deal = (over: Record<string, unknown> = {}) => ({
  name: 'Data platform',
  account: 'Jiangnan Bank',
  amount: 300000,
  ...over,
});

async function createDeal(user = app.org.repA1, over: Record<string, unknown> = {}): Promise<string> {
  const res = await app.api(user, 'POST', '/api/opportunities', deal(over));
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Through project initiation: request the gate approval, the manager approves, the rep completes. */
async function initiate(id: string): Promise<void> {
  const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Need is clear',
  });
  expect(req.status).toBe(200);
  const dec = await app.api(
    app.org.managerA,
    'POST',
    `/api/opportunities/${id}/approvals/${req.body.approvalId}/decision`,
    { decision: 'approved' },
  );
  expect(dec.status).toBe(200);
  const done = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
    milestone: 'project_initiation',
    criteriaMet: ['need_clear', 'value_fit'],
    evidence: 'Kick-off notes',
  });
  expect(done.status).toBe(200);
}

describe('authentication', () => {
  it('refuses a missing, malformed, unknown or revoked token with 401 and a code', async () => {
    expect(await app.api(null, 'GET', '/api/opportunities')).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED' } },
    });
    expect(
      (await app.api(null, 'GET', '/api/opportunities', undefined, { Authorization: 'Basic abc' })).status,
    ).toBe(401);
    expect(
      (await app.api({ ...app.org.repA1, token: 'psm_nottherealtoken' }, 'GET', '/api/opportunities')).status,
    ).toBe(401);

    const issued = await app.api(app.org.repA2, 'POST', `/api/users/${app.org.repA2.id}/tokens`, {
      label: 'laptop',
      ttlDays: 1,
    });
    expect(issued.status).toBe(201);
    const laptop = { ...app.org.repA2, token: issued.body.token as string };
    expect((await app.api(laptop, 'GET', '/api/me')).body).toMatchObject({ id: app.org.repA2.id });
    expect((await app.api(laptop, 'DELETE', `/api/tokens/${issued.body.id}`)).status).toBe(204);
    expect((await app.api(laptop, 'GET', '/api/me')).status).toBe(401);
  });

  it('a deactivated user is refused at once, though tokens are briefly remembered', async () => {
    const created = await app.api(app.org.admin, 'POST', '/api/users', {
      name: 'Temp Rep',
      email: 'temp.rep@test.psm',
      role: 'rep',
      managerId: app.org.managerA.id,
    });
    const issued = await app.api(app.org.admin, 'POST', `/api/users/${created.body.id}/tokens`, {
      label: 't',
    });
    const temp = {
      id: created.body.id as string,
      email: 'temp.rep@test.psm',
      token: issued.body.token as string,
      role: 'rep' as const,
    };
    expect((await app.api(temp, 'GET', '/api/me')).status).toBe(200);
    expect((await app.api(app.org.admin, 'PATCH', `/api/users/${temp.id}`, { active: false })).status).toBe(
      200,
    );
    expect((await app.api(temp, 'GET', '/api/me')).status).toBe(401);
  });

  it('never stores the token itself', async () => {
    const rows = await app.db.prisma.apiToken.findMany();
    for (const r of rows) expect(r.tokenHash).not.toMatch(/^psm_/);
    expect(rows.some((r) => r.tokenHash === app.org.repA1.token)).toBe(false);
  });
});

describe('opportunities', () => {
  it('creates a deal as a workflow, returns its live state and lists it from the read model', async () => {
    const res = await app.api(
      app.org.repA1,
      'POST',
      '/api/opportunities',
      deal({ expectedCloseDate: '2027-03-31' }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/opportunities/${res.body.id}`);
    expect(res.body).toMatchObject({
      name: 'Data platform',
      ownerId: app.org.repA1.id,
      status: 'open',
      milestone: 'project_initiation',
    });
    const described = await app.client.workflow.getHandle(res.body.id).describe();
    expect(described.type).toBe('opportunity');

    const got = await app.api(app.org.repA1, 'GET', `/api/opportunities/${res.body.id}`);
    expect(got).toMatchObject({ status: 200, body: { id: res.body.id, amount: 300000 } });

    const listed = await waitUntil(async () => {
      const l = await app.api(app.org.repA1, 'GET', '/api/opportunities?status=open');
      return l.body.opportunities.find((o: { id: string }) => o.id === res.body.id);
    });
    expect(listed).toMatchObject({
      ownerId: app.org.repA1.id,
      milestone: 'project_initiation',
      expectedCloseDate: '2027-03-31',
    });
  });

  it('walks milestones with approvals, checklist, activities, stakeholders and deal fields', async () => {
    const id = await createDeal();
    await initiate(id);
    expect(
      (
        await app.api(
          app.org.repA1,
          'PUT',
          `/api/opportunities/${id}/checklist/deep_engagement/${'map_decision_structure'}`,
          { done: true },
        )
      ).status,
    ).toBeLessThan(500);
    const act = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, {
      kind: 'visit',
      occurredAt: new Date().toISOString(),
      note: 'Met the CIO',
    });
    expect(act.status).toBe(200);
    const sh = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/stakeholders`, {
      name: 'Ms Gao',
      title: 'CIO',
      role: 'decision_maker',
      stance: 'sponsor',
    });
    expect(sh).toMatchObject({ status: 200, body: { stakeholderId: expect.any(String) } });
    const upd = await app.api(app.org.repA1, 'PATCH', `/api/opportunities/${id}`, { amount: 420000 });
    expect(upd.status).toBe(200);
    const state = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body;
    expect(state).toMatchObject({
      milestone: 'project_initiation',
      reachedIndex: 0,
      probability: 5,
      amount: 420000,
    });
    expect(state.stakeholders).toEqual([expect.objectContaining({ name: 'Ms Gao', stance: 'sponsor' })]);
    expect(state.lastActivityAt).not.toBeNull();

    const row = await waitUntil(async () => {
      const r = await app.db.prisma.opportunity.findUnique({ where: { id } });
      return r && Number(r.amount) === 420000 ? r : undefined;
    });
    expect(row).toMatchObject({ milestoneIndex: 0, probability: 5 });
    expect(await app.db.prisma.salesActivity.count({ where: { opportunityId: id } })).toBe(1);
    expect(await app.db.prisma.approval.findMany({ where: { opportunityId: id } })).toEqual([
      expect.objectContaining({
        status: 'approved',
        approverId: app.org.managerA.id,
        decidedById: app.org.managerA.id,
      }),
    ]);
  });

  it('refuses rule breaks with 422, the reason and the code, and records nothing', async () => {
    const id = await createDeal();
    const before = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body;
    const outOfOrder = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
      milestone: 'technical_breakthrough_1',
      criteriaMet: ['proposal_delivered'],
      evidence: 'x',
    });
    expect(outOfOrder).toMatchObject({
      status: 422,
      body: { error: { code: 'MILESTONE_OUT_OF_ORDER', message: expect.any(String) } },
    });
    const noApproval = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
      milestone: 'project_initiation',
      criteriaMet: ['need_clear', 'value_fit'],
      evidence: 'x',
    });
    expect(noApproval).toMatchObject({ status: 422, body: { error: { code: 'APPROVAL_REQUIRED' } } });
    const after = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body;
    expect(after.seq).toBe(before.seq);
    const history = await app.client.workflow.getHandle(id).fetchHistory();
    expect(JSON.stringify(history)).not.toMatch(/technical_breakthrough_1","criteriaMet/);
  });

  it('answers 400 with field issues for invalid input, and never 500 for garbage', async () => {
    const id = await createDeal();
    const bad = await app.api(app.org.repA1, 'POST', '/api/opportunities', { name: '', amount: -1 });
    expect(bad).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'INVALID_INPUT',
          details: expect.arrayContaining([expect.objectContaining({ path: 'body.name' })]),
        },
      },
    });
    expect(
      (await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, '{not json')).status,
    ).toBe(400);
    expect(
      (
        await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
          milestone: 'nope',
          criteriaMet: [],
          evidence: 'x',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, {
          kind: 'visit',
          occurredAt: 'yesterday',
          note: 'x',
        })
      ).status,
    ).toBe(400);
    expect(
      (await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/lost`, { reason: 'x', extra: 1 }))
        .status,
    ).toBe(400);
    expect(
      (
        await app.api(
          app.org.repA1,
          'POST',
          `/api/opportunities/${id}/hold`,
          { reason: 'x' },
          { 'Idempotency-Key': 'bad key!' },
        )
      ).status,
    ).toBe(400);
    const big = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, {
      kind: 'visit',
      occurredAt: new Date().toISOString(),
      note: 'x'.repeat(200_000),
    });
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect((await app.api(app.org.repA1, 'GET', '/api/opportunities?limit=100000')).status).toBe(400);
  });

  it('answers 404 for an unknown deal and 409 for an approval decided twice', async () => {
    expect(await app.api(app.org.admin, 'GET', '/api/opportunities/opp-does-not-exist')).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(
      (await app.api(app.org.admin, 'POST', '/api/opportunities/opp-does-not-exist/hold', { reason: 'x' }))
        .status,
    ).toBe(404);
    const id = await createDeal();
    const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
      kind: 'milestone_gate',
      milestone: 'project_initiation',
      reason: 'go',
    });
    const path = `/api/opportunities/${id}/approvals/${req.body.approvalId}/decision`;
    expect(
      (await app.api(app.org.managerA, 'POST', path, { decision: 'rejected', comment: 'not yet' })).status,
    ).toBe(200);
    expect(await app.api(app.org.managerA, 'POST', path, { decision: 'approved' })).toMatchObject({
      status: 409,
      body: { error: { code: 'ALREADY_DECIDED' } },
    });
  });

  it('applies a repeated Idempotency-Key once and returns the first result', async () => {
    const id = await createDeal();
    const body = { kind: 'call', occurredAt: new Date().toISOString(), note: 'Follow-up call' };
    const headers = { 'Idempotency-Key': 'call-0001-abcdef' };
    const first = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, body, headers);
    const second = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, body, headers);
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const state = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body;
    expect(state.events.filter((e: { type: string }) => e.type === 'activity_logged')).toHaveLength(1);

    const createKey = { 'Idempotency-Key': 'create-0001-abcdef' };
    const c1 = await app.api(app.org.repA1, 'POST', '/api/opportunities', deal(), createKey);
    const c2 = await app.api(app.org.repA1, 'POST', '/api/opportunities', deal(), createKey);
    expect([c1.status, c2.status]).toEqual([201, 200]);
    expect(c2.body.id).toBe(c1.body.id);
  });

  it('lost and reopen, hold and resume', async () => {
    const id = await createDeal();
    expect(
      (await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/hold`, { reason: 'Budget freeze' }))
        .status,
    ).toBe(200);
    expect((await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body).toMatchObject({
      status: 'on_hold',
      timers: [],
    });
    expect((await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/resume`, {})).status).toBe(200);
    expect(
      (await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/lost`, { reason: 'Competitor price' }))
        .status,
    ).toBe(200);
    expect((await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body).toMatchObject({
      status: 'lost',
      lostReason: 'Competitor price',
    });
    expect(
      await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, {
        kind: 'call',
        occurredAt: new Date().toISOString(),
        note: 'x',
      }),
    ).toMatchObject({ status: 422, body: { error: { code: 'DEAL_CLOSED' } } });
    expect(
      (await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/reopen`, { reason: 'They came back' }))
        .status,
    ).toBe(200);
    expect((await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body).toMatchObject({
      status: 'open',
    });
  });
});

describe('to won and through the handover', () => {
  it('completes every milestone, wins at contract signing, and closes once the handover checklist is done', async () => {
    const id = await createDeal();
    await initiate(id);
    for (const m of PSM_PROCESS.milestones.slice(1)) {
      const criteriaMet = m.rule === 'all' ? m.criteria.map((c) => c.key) : [m.criteria[0]!.key];
      const res = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
        milestone: m.key,
        criteriaMet,
        evidence: `Evidence for ${m.key}`,
      });
      expect({ milestone: m.key, status: res.status }).toEqual({ milestone: m.key, status: 200 });
    }
    const won = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body;
    // Every sales timer stopped; only the handover's escalation clock runs (psm-ltc-deal-team).
    expect(won).toMatchObject({
      status: 'won',
      probability: 100,
      milestone: 'contract_signed',
      timers: [expect.objectContaining({ kind: 'handover', level: 1 })],
    });
    const row = await waitUntil(async () => {
      const r = await app.db.prisma.opportunity.findUnique({ where: { id } });
      return r?.status === 'won' ? r : undefined;
    });
    expect(row.closedAt).not.toBeNull();
    expect(await app.db.prisma.milestoneEvent.count({ where: { opportunityId: id } })).toBe(
      PSM_PROCESS.milestones.length,
    );

    for (const item of PSM_PROCESS.execution.checklist) {
      const res = await app.api(
        app.org.repA1,
        'PUT',
        `/api/opportunities/${id}/checklist/${PSM_PROCESS.execution.key}/${item.key}`,
        { done: true },
      );
      expect(res.status).toBe(200);
    }
    await app.client.workflow.getHandle(id).result();
    const late = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/activities`, {
      kind: 'call',
      occurredAt: new Date().toISOString(),
      note: 'after close',
    });
    expect(late).toMatchObject({ status: 422, body: { error: { code: 'DEAL_CLOSED' } } });
  });
});

describe('permissions', () => {
  let id: string;
  beforeAll(async () => {
    id = await createDeal(app.org.repA1);
  });

  it('a rep acts only on their own deals', async () => {
    expect(await app.api(app.org.repA2, 'GET', `/api/opportunities/${id}`)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    expect(
      (await app.api(app.org.repA2, 'POST', `/api/opportunities/${id}/lost`, { reason: 'sabotage' })).status,
    ).toBe(403);
    expect((await app.api(app.org.repA2, 'GET', `/api/opportunities?owner=${app.org.repA1.id}`)).status).toBe(
      403,
    );
    const list = await app.api(app.org.repA2, 'GET', '/api/opportunities');
    expect(list.body.opportunities.map((o: { id: string }) => o.id)).not.toContain(id);
    expect((await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body.status).toBe('open');
  });

  it('a manager acts on their line only; the director and an admin on all below them', async () => {
    expect((await app.api(app.org.managerB, 'GET', `/api/opportunities/${id}`)).status).toBe(403);
    expect(
      (await app.api(app.org.managerB, 'POST', `/api/opportunities/${id}/hold`, { reason: 'x' })).status,
    ).toBe(403);
    expect((await app.api(app.org.managerA, 'GET', `/api/opportunities/${id}`)).status).toBe(200);
    expect((await app.api(app.org.director, 'GET', `/api/opportunities/${id}`)).status).toBe(200);
    expect((await app.api(app.org.admin, 'GET', `/api/opportunities/${id}`)).status).toBe(200);
  });

  it('only the approver (or above, or an admin) decides an approval', async () => {
    const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
      kind: 'discount',
      amount: 20000,
      reason: 'Match competitor',
    });
    expect(req.status).toBe(200);
    const path = `/api/opportunities/${id}/approvals/${req.body.approvalId}/decision`;
    expect(await app.api(app.org.repA1, 'POST', path, { decision: 'approved' })).toMatchObject({
      status: 403,
      body: { error: { code: 'NOT_APPROVER' } },
    });
    expect((await app.api(app.org.managerB, 'POST', path, { decision: 'approved' })).status).toBe(403);
    const pending = await waitUntil(async () => {
      const p = await app.api(app.org.managerA, 'GET', '/api/approvals/pending');
      return p.body.approvals.find((a: { id: string }) => a.id === req.body.approvalId);
    });
    expect(pending).toMatchObject({ kind: 'discount', amount: 20000, opportunityId: id });
    expect((await app.api(app.org.managerA, 'POST', path, { decision: 'approved' })).status).toBe(200);
  });

  it('a user sees their own line and the managers above them, not their peers', async () => {
    const seen = (await app.api(app.org.repA1, 'GET', '/api/users')).body.users.map(
      (u: { id: string }) => u.id,
    );
    expect(seen.sort()).toEqual([app.org.repA1.id, app.org.managerA.id, app.org.director.id].sort());
    const managerSees = (await app.api(app.org.managerA, 'GET', '/api/users')).body.users.map(
      (u: { id: string }) => u.id,
    );
    expect(managerSees).toEqual(
      expect.arrayContaining([app.org.repA1.id, app.org.repA2.id, app.org.director.id]),
    );
    expect(managerSees).not.toContain(app.org.managerB.id);
  });

  it('only an admin administers users; a user manages their own tokens', async () => {
    const body = { name: 'New Rep', email: 'new.rep@test.psm', role: 'rep', managerId: app.org.managerA.id };
    expect((await app.api(app.org.managerA, 'POST', '/api/users', body)).status).toBe(403);
    const created = await app.api(app.org.admin, 'POST', '/api/users', body);
    expect(created).toMatchObject({ status: 201, body: { email: 'new.rep@test.psm', role: 'rep' } });
    expect((await app.api(app.org.admin, 'POST', '/api/users', body)).status).toBe(409);
    expect((await app.api(app.org.repA1, 'POST', `/api/users/${app.org.repA2.id}/tokens`, {})).status).toBe(
      403,
    );
    expect(
      (
        await app.api(app.org.admin, 'PATCH', `/api/users/${app.org.managerA.id}`, {
          managerId: app.org.repA1.id,
        })
      ).status,
    ).toBe(409);
  });
});
