// Input the read model could never store is refused at the door (issue 9, items 6a and 7), and a
// workflow refusal reaches the caller with its code and typed details (issue 10, item 2).
// Real app: real Temporal, real PostgreSQL, the real worker.
import { createDeal as createDealVia, startTestApp, type TestApp } from '../support/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const createDeal = (over: Record<string, unknown> = {}) =>
  createDealVia(app, { name: 'Data platform', account: 'Jiangnan Bank', amount: 300000, ...over });

const invalid = { status: 400, body: { error: { code: 'INVALID_INPUT' } } };

describe('NUL, control characters and unreal dates are refused with 400 on every route (6a)', () => {
  test('opportunities: create and update', async () => {
    for (const body of [
      { name: 'Data\u0000platform', account: 'Acme', amount: 1 },
      { name: 'Data platform', account: 'Acme\u0007', amount: 1 },
      { name: 'Data platform', account: 'Acme', amount: 1, expectedCloseDate: '0000-01-01' },
      { name: 'Data platform', account: 'Acme', amount: 1, expectedCloseDate: '2026-02-30' },
      { name: 'Data platform', account: 'Acme', amount: 1, expectedCloseDate: '2026-13-45' },
    ]) {
      expect(await app.api(app.org.repA1, 'POST', '/api/opportunities', body)).toMatchObject(invalid);
    }
    const id = await createDeal();
    for (const body of [{ name: 'X\u0000' }, { expectedCloseDate: '2026-02-30' }]) {
      expect(await app.api(app.org.repA1, 'PATCH', `/api/opportunities/${id}`, body)).toMatchObject(invalid);
    }
  });

  test('activities, stakeholders, approvals, milestones, reasons', async () => {
    const id = await createDeal();
    const calls: [string, Record<string, unknown>][] = [
      ['activities', { kind: 'visit', occurredAt: new Date().toISOString(), note: 'a\u0000b' }],
      ['activities', { kind: 'visit', occurredAt: '0000-01-01T00:00:00Z', note: 'visit' }],
      ['stakeholders', { name: 'Ms\u0000Gao', role: 'decision_maker', stance: 'sponsor' }],
      ['stakeholders', { name: 'Ms Gao', title: 'CTO\u001b', role: 'decision_maker', stance: 'sponsor' }],
      ['approvals', { kind: 'discount', amount: 10, reason: 'price\u0000' }],
      [
        'milestones',
        { milestone: 'project_initiation', criteriaMet: ['need_clear'], evidence: 'notes\u0000' },
      ],
      ['hold', { reason: 'budget\u0000' }],
    ];
    for (const [path, body] of calls) {
      expect({
        path,
        ...(await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/${path}`, body)),
      }).toMatchObject({
        path,
        ...invalid,
      });
    }
    // The deal is untouched: nothing was journalled.
    const state = await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`);
    expect(state.body.stakeholders).toEqual([]);
  });

  test('users and targets', async () => {
    expect(
      await app.api(app.org.admin, 'POST', '/api/users', {
        name: '王\u0000芳',
        email: 'nul.user@test.psm',
        role: 'rep',
        managerId: app.org.managerA.id,
      }),
    ).toMatchObject(invalid);
    for (const periodStart of ['0000-01-01', '2026-02-30', '2026-13-45']) {
      expect(
        await app.api(app.org.managerA, 'PUT', `/api/targets/${app.org.repA1.id}`, {
          periodStart,
          periodEnd: '2026-12-31',
          amount: 1000,
        }),
      ).toMatchObject(invalid);
    }
    expect(
      await app.api(app.org.managerA, 'GET', '/api/reports/funnel?from=0000-01-01&to=2026-12-31'),
    ).toMatchObject(invalid);
  });
});

describe('amounts keep at most two decimals everywhere (7)', () => {
  test('0.125 is refused on create, update, approval and target; 0.29 is kept exactly', async () => {
    expect(
      await app.api(app.org.repA1, 'POST', '/api/opportunities', { name: 'D', account: 'A', amount: 0.125 }),
    ).toMatchObject(invalid);
    const id = await createDeal({ amount: 0.29 });
    expect(
      await app.api(app.org.repA1, 'PATCH', `/api/opportunities/${id}`, { amount: 0.125 }),
    ).toMatchObject(invalid);
    expect(
      await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
        kind: 'discount',
        amount: 1.005,
        reason: 'price',
      }),
    ).toMatchObject(invalid);
    expect(
      await app.api(app.org.managerA, 'PUT', `/api/targets/${app.org.repA1.id}`, {
        periodStart: '2026-01-01',
        periodEnd: '2026-03-31',
        amount: 0.125,
      }),
    ).toMatchObject(invalid);
    const state = await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`);
    expect(state.body.amount).toBe(0.29);
  });
});

describe('a workflow refusal carries its code and typed details to the caller (issue 10, item 2)', () => {
  test('CRITERIA_NOT_MET names the missing criteria in details, not only in the message', async () => {
    const id = await createDeal();
    const res = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
      milestone: 'project_initiation',
      criteriaMet: ['need_clear'],
      evidence: 'Kick-off notes',
    });
    expect(res).toMatchObject({
      status: 422,
      body: { error: { code: 'CRITERIA_NOT_MET', details: { rule: 'all', missing: ['value_fit'] } } },
    });
  });

  test('APPROVAL_PENDING names the approval', async () => {
    const id = await createDeal();
    const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
      kind: 'milestone_gate',
      milestone: 'project_initiation',
      reason: 'Need is clear',
    });
    expect(req.status).toBe(200);
    const res = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
      milestone: 'project_initiation',
      criteriaMet: ['need_clear', 'value_fit'],
      evidence: 'Kick-off notes',
    });
    expect(res).toMatchObject({
      status: 422,
      body: { error: { code: 'APPROVAL_PENDING', details: { approvalId: req.body.approvalId } } },
    });
  });
});
