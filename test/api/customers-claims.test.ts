// Claims (报备) through the real app, the real Temporal server and PostgreSQL (issue 11): claim, the
// cap with the current count, release, the cool-down with its until-date, the daily limit, assign
// and move by a manager, a rep refused on a colleague's claim (who holds it masked), a sales action
// moving the lapse day, the journal and owner history, a retried Idempotency-Key applied once, bad
// input refused with nothing changed, a team's cap, and an account the read model already gives
// an owner (the deals backfill, an import) starting its workflow with that owner.
import { randomUUID } from 'node:crypto';
import { createAccountState } from '../../workflows/account-rules';
import { accountWorkflowId } from '../../workflows/account-messages';
import { startTestApp, type TestApp, type TestUser } from '../support/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

let n = 0;
async function poolAccount(name = `Claims test ${++n} ${randomUUID().slice(0, 8)}`): Promise<string> {
  const res = await app.api(app.org.admin, 'POST', '/api/accounts', { name });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const post = (user: TestUser, id: string, verb: string, body: unknown = {}, key?: string) =>
  app.api(user, 'POST', `/api/accounts/${id}/${verb}`, body, key ? { 'Idempotency-Key': key } : {});

/**
 * A command that must apply. On a loaded machine the worker's first tasks can outlast the Update
 * deadline (503): retried as the API says, with the same Idempotency-Key, so it still applies once.
 */
async function ok(user: TestUser, id: string, verb: string, body: unknown = {}, key?: string) {
  const idempotencyKey = key ?? `claims-test-${randomUUID()}`;
  let res = await post(user, id, verb, body, idempotencyKey);
  for (let attempt = 0; res.status === 503 && attempt < 3; attempt++)
    res = await post(user, id, verb, body, idempotencyKey);
  expect({ status: res.status, error: res.body?.error }).toEqual({ status: 200, error: undefined });
  return res.body;
}

const journal = async (user: TestUser, id: string) =>
  (await app.api(user, 'GET', `/api/accounts/${id}/journal`)).body.events as {
    seq: number;
    type: string;
    actorId: string | null;
    data: Record<string, unknown>;
  }[];
const owners = async (user: TestUser, id: string) =>
  (await app.api(user, 'GET', `/api/accounts/${id}/owner-history`)).body.changes as {
    fromUserId: string | null;
    toUserId: string | null;
    actorId: string | null;
    reason: string;
    note: string | null;
  }[];
const row = (id: string) => app.db.prisma.account.findUniqueOrThrow({ where: { id } });

describe('claim and release', () => {
  it('claims a pool account: on my list with its lapse day and days left, journalled', async () => {
    const { repA1 } = app.org;
    const id = await poolAccount();
    const res = await ok(repA1, id, 'claim');
    expect(res).toMatchObject({ command: 'claim', account: { id, ownerId: repA1.id, funnelStep: 'listed' } });
    const lapsesAt = Date.parse(res.account.lapsesAt as string);
    // 30 working days: at least six weeks of calendar days.
    expect(lapsesAt - Date.now()).toBeGreaterThan(40 * 86_400_000);
    expect(Date.parse(res.account.warnsAt as string)).toBeLessThan(lapsesAt);

    const mine = (await app.api(repA1, 'GET', '/api/me/claims')).body;
    const claim = mine.claims.find((c: { accountId: string }) => c.accountId === id);
    expect(claim).toMatchObject({ funnelStep: 'listed', lapsesAt: res.account.lapsesAt, protected: false });
    expect(claim.daysLeft).toBeGreaterThanOrEqual(40);
    expect(mine).toMatchObject({ cap: 50, dailyLimit: 10 });
    expect(mine.held).toBeGreaterThanOrEqual(1);

    expect((await row(id)).ownerId).toBe(repA1.id);
    expect((await journal(repA1, id)).map((e) => e.type)).toEqual(['funnel_moved', 'owner_changed']);
    expect(await owners(repA1, id)).toEqual([
      {
        fromUserId: null,
        toUserId: repA1.id,
        actorId: repA1.id,
        reason: 'claim',
        note: null,
        at: expect.any(String),
      },
    ]);
  });

  it('releases back to the pool; a colleague may not release, claim or log on it', async () => {
    const { repA1, repA2, repB1, managerA } = app.org;
    const id = await poolAccount();
    await ok(repA1, id, 'claim');

    const other = await post(repA2, id, 'release');
    expect({ status: other.status, code: other.body.error?.code }).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
    const log = await post(repB1, id, 'sales-actions', { kind: 'call' });
    expect(log.status).toBe(403);
    // Held: a colleague learns only that a colleague holds it; the holder's manager sees who.
    const taken = await post(repA2, id, 'claim');
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({
      code: 'ACCOUNT_ALREADY_CLAIMED',
      details: { heldByYou: false, holder: 'colleague' },
    });
    expect(taken.body.error.details.ownerId).toBeUndefined();
    const seen = await post(managerA, id, 'claim');
    expect(seen.body.error).toMatchObject({
      code: 'ACCOUNT_ALREADY_CLAIMED',
      details: { holder: 'line', ownerId: repA1.id, ownerName: 'Rita Rep' },
    });

    const released = await ok(repA1, id, 'release', { note: 'not our market' });
    expect(released.account).toMatchObject({ ownerId: null, funnelStep: 'target', lapsesAt: null });
    expect((await row(id)).ownerId).toBeNull();
    expect((await owners(repA1, id)).map((c) => [c.reason, c.note])).toEqual([
      ['release', 'not our market'],
      ['claim', null],
    ]);
    const again = await post(repA1, id, 'release');
    expect({ status: again.status, code: again.body.error?.code }).toEqual({
      status: 422,
      code: 'ACCOUNT_NOT_CLAIMED',
    });
  });

  it('a retried Idempotency-Key claims once: one owner change, one reservation', async () => {
    const { repA2 } = app.org;
    const id = await poolAccount();
    const key = `claim-retry-${randomUUID()}`;
    const first = await ok(repA2, id, 'claim', {}, key);
    const second = await ok(repA2, id, 'claim', {}, key);
    expect(second).toEqual(first);
    expect((await owners(repA2, id)).length).toBe(1);
    expect((await journal(repA2, id)).filter((e) => e.type === 'owner_changed').length).toBe(1);
    expect(await app.db.prisma.claimReservation.count({ where: { accountId: id } })).toBe(1);
    // Another key is another request: refused, the account is held (by the caller).
    const third = await post(repA2, id, 'claim', {}, `claim-retry-${randomUUID()}`);
    expect(third.body.error).toMatchObject({
      code: 'ACCOUNT_ALREADY_CLAIMED',
      details: { heldByYou: true, holder: 'you' },
    });
  });
});

describe('the rules', () => {
  it('refuses a claim past the team cap with the current count; a director sets the cap', async () => {
    const { repA2, managerA, director } = app.org;
    const own = await app.api(managerA, 'PUT', `/api/teams/${managerA.id}/claim-cap`, { cap: 30 });
    expect({ status: own.status, code: own.body.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const out = await app.api(director, 'PUT', `/api/teams/${managerA.id}/claim-cap`, { cap: 80 });
    expect(out.status).toBe(422);
    expect(out.body.error).toMatchObject({
      code: 'CLAIM_CAP_OUT_OF_BOUNDS',
      details: { min: 30, max: 70, cap: 80 },
    });
    const set = await app.api(director, 'PUT', `/api/teams/${managerA.id}/claim-cap`, { cap: 30 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ managerId: managerA.id, cap: 30, min: 30, max: 70 });
    try {
      const held = await app.db.prisma.claimHolding.count({ where: { userId: repA2.id } });
      // repA2 holds 30 accounts (filled in directly: the cap counts ClaimHolding rows).
      await app.db.prisma.claimHolding.createMany({
        data: Array.from({ length: 30 - held }, (_, i) => ({
          accountId: `acc-capfill${String(i).padStart(24, '0')}`,
          userId: repA2.id,
          requestId: `cap-fill-${i}`,
          at: new Date(),
        })),
      });
      const id = await poolAccount();
      const res = await post(repA2, id, 'claim');
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'CLAIM_CAP_REACHED', details: { current: 30, cap: 30 } });
      expect(res.body.error.localizedMessage).toEqual(expect.any(String));
      expect((await row(id)).ownerId).toBeNull();
      expect(await journal(repA2, id)).toEqual([]);
      const mine = (await app.api(repA2, 'GET', '/api/me/claims')).body;
      expect({ held: mine.held, cap: mine.cap }).toEqual({ held: 30, cap: 30 });
    } finally {
      await app.db.prisma.claimHolding.deleteMany({ where: { accountId: { startsWith: 'acc-capfill' } } });
      await app.db.prisma.teamClaimCap.deleteMany({ where: { managerId: managerA.id } });
    }
  });

  it('refuses a rep who lost the claim during the cool-down, saying until when', async () => {
    const { repA1, repA2 } = app.org;
    const id = await poolAccount();
    // The state a lapse leaves (the lapse itself is tested with time skipping in
    // test/workflows/account-claims.test.ts): repA1 cooling down for 30 days.
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const carried = { ...createAccountState(id), coolDowns: { [repA1.id]: until } };
    await app.client.workflow.start('account', {
      workflowId: accountWorkflowId(id),
      taskQueue: app.taskQueue,
      args: [{ accountId: id, carried }],
    });
    const res = await post(repA1, id, 'claim');
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'CLAIM_COOL_DOWN', details: { until } });
    expect((await row(id)).ownerId).toBeNull();
    // Someone else may claim it.
    await ok(repA2, id, 'claim');
  });

  it('refuses the eleventh claim of a day with the count and the limit', async () => {
    const { repB1 } = app.org;
    const ids = [];
    for (let i = 0; i < 11; i++) ids.push(await poolAccount());
    for (const id of ids.slice(0, 10)) await ok(repB1, id, 'claim');
    const res = await post(repB1, ids[10]!, 'claim');
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'CLAIM_DAILY_LIMIT', details: { today: 10, limit: 10 } });
    expect((await row(ids[10]!)).ownerId).toBeNull();
    // A release frees a cap slot, not a claim of the day.
    await ok(repB1, ids[0]!, 'release');
    expect((await post(repB1, ids[10]!, 'claim')).body.error?.code).toBe('CLAIM_DAILY_LIMIT');
  });
});

describe('assign and move', () => {
  it('a manager assigns a pool account to a rep of the line and moves it to another', async () => {
    const { repA1, repA2, repB1, managerA, managerB } = app.org;
    const id = await poolAccount();
    const byRep = await post(repA1, id, 'assign', { toUserId: repA2.id });
    expect(byRep.status).toBe(403);
    const outside = await post(managerB, id, 'assign', { toUserId: repA2.id });
    expect(outside.status).toBe(403);
    await ok(managerA, id, 'assign', { toUserId: repA2.id, note: 'your region' });
    expect((await row(id)).ownerId).toBe(repA2.id);

    const moveOutside = await post(managerB, id, 'move', { toUserId: repB1.id });
    expect(moveOutside.status).toBe(403);
    const toOtherLine = await post(managerA, id, 'move', { toUserId: repB1.id });
    expect(toOtherLine.status).toBe(403);
    const moved = await ok(managerA, id, 'move', { toUserId: repA1.id, note: 'rebalance' });
    expect(moved.account.ownerId).toBe(repA1.id);
    expect(
      (await owners(managerA, id)).map((c) => [c.reason, c.fromUserId, c.toUserId, c.actorId, c.note]),
    ).toEqual([
      ['move', repA2.id, repA1.id, managerA.id, 'rebalance'],
      ['assign', null, repA2.id, managerA.id, 'your region'],
    ]);
    // The cap follows the holder.
    expect(await app.db.prisma.claimHolding.findUnique({ where: { accountId: id } })).toMatchObject({
      userId: repA1.id,
    });
    // Reads: the holder and their line; a rep of another line is refused.
    expect((await app.api(repB1, 'GET', `/api/accounts/${id}/journal`)).status).toBe(403);
    expect((await app.api(repB1, 'GET', `/api/accounts/${id}/owner-history`)).status).toBe(403);
  });
});

describe('sales actions and signals', () => {
  it('a logged call moves the lapse day at once; a business signal makes the account potential', async () => {
    const { repA1 } = app.org;
    const id = await poolAccount();
    const claimed = await ok(repA1, id, 'claim');
    await new Promise((r) => setTimeout(r, 1_100));
    const logged = await ok(repA1, id, 'sales-actions', { kind: 'call', note: 'spoke to the CIO' });
    expect(Date.parse(logged.account.lapsesAt)).toBeGreaterThan(Date.parse(claimed.account.lapsesAt));
    expect((await row(id)).lapsesAt?.toISOString()).toBe(logged.account.lapsesAt);
    const mine = (await app.api(repA1, 'GET', '/api/me/claims')).body.claims;
    expect(mine.find((c: { accountId: string }) => c.accountId === id).lapsesAt).toBe(
      logged.account.lapsesAt,
    );

    const signal = await ok(repA1, id, 'signals', { signal: 'contract_expiring', note: 'ends in March' });
    expect(signal.account.funnelStep).toBe('potential');
    const events = await journal(repA1, id);
    expect(events.map((e) => e.type)).toEqual([
      'funnel_moved',
      'business_signal',
      'sales_action',
      'funnel_moved',
      'owner_changed',
    ]);
    expect(events[0]!.data).toMatchObject({
      from: 'listed',
      to: 'potential',
      evidence: { signal: 'contract_expiring' },
    });
    expect(events[1]!.data).toEqual({ signal: 'contract_expiring', note: 'ends in March' });
    expect(events[2]!.data).toMatchObject({
      kind: 'call',
      note: 'spoke to the CIO',
      lapsesAt: logged.account.lapsesAt,
    });
    expect(events[2]!.actorId).toBe(repA1.id);
    // Paged: the newest two, then the rest.
    const page = (await app.api(repA1, 'GET', `/api/accounts/${id}/journal?limit=2`)).body;
    expect(page.events.map((e: { seq: number }) => e.seq)).toEqual([5, 4]);
    const rest = (
      await app.api(repA1, 'GET', `/api/accounts/${id}/journal?limit=2&beforeSeq=${page.nextBeforeSeq}`)
    ).body;
    expect(rest.events.map((e: { seq: number }) => e.seq)).toEqual([3, 2]);
  });

  it('a sales action on a pool account is refused: there is no claim to keep', async () => {
    const id = await poolAccount();
    const res = await post(app.org.managerA, id, 'sales-actions', { kind: 'visit' });
    expect({ status: res.status, code: res.body.error?.code }).toEqual({
      status: 422,
      code: 'ACCOUNT_NOT_CLAIMED',
    });
  });

  it.each([
    ['sales-actions', { kind: 'fax' }, 'body.kind'],
    ['sales-actions', { kind: 'call', extra: 1 }, 'body'],
    ['signals', { signal: 'weather' }, 'body.signal'],
    ['move', { toUserId: 'nobody' }, 'body.toUserId'],
    ['release', { note: 'x'.repeat(10_001) }, 'body.note'],
  ])('refuses bad input to %s with 400 and changes nothing', async (verb, body, path) => {
    const { repA1 } = app.org;
    const id = await poolAccount();
    await ok(repA1, id, 'claim');
    const before = await journal(repA1, id);
    const res = await post(repA1, id, verb, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(JSON.stringify(res.body.error.details)).toContain(path.split('.').pop());
    expect(await journal(repA1, id)).toEqual(before);
    expect((await row(id)).ownerId).toBe(repA1.id);
  });

  it('an unknown account is 404; a malformed id is 400', async () => {
    const missing = await post(app.org.repA1, `acc-${'0'.repeat(32)}`, 'claim');
    expect({ status: missing.status, code: missing.body.error?.code }).toEqual({
      status: 404,
      code: 'NOT_FOUND',
    });
    expect((await post(app.org.repA1, 'acc-nope', 'claim')).status).toBe(400);
  });
});

describe('an account that already has an owner in PostgreSQL', () => {
  it('starts its workflow with that owner: the owner logs on it, a colleague cannot claim it', async () => {
    const { repA1, repA2 } = app.org;
    const id = await poolAccount();
    // What the deals backfill or an import leaves: an owner and a step, no workflow yet.
    await app.db.prisma.account.update({
      where: { id },
      data: { ownerId: repA1.id, funnelStep: 'intent', claimedAt: new Date('2026-01-05T02:00:00Z') },
    });
    const taken = await post(repA2, id, 'claim');
    expect(taken.status).toBe(409);
    const logged = await ok(repA1, id, 'sales-actions', { kind: 'visit' });
    expect(logged.account).toMatchObject({
      ownerId: repA1.id,
      funnelStep: 'intent',
      claimedAt: '2026-01-05T02:00:00.000Z',
    });
    expect(Date.parse(logged.account.lapsesAt)).toBeGreaterThan(Date.now());
    expect((await row(id)).lapsesAt?.toISOString()).toBe(logged.account.lapsesAt);
  });
});
