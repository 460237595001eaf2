// The account workflow's claim (报备) clock and rules on the time-skipping server: the lapse at its
// deadline, the warning before it, resets by a sales action on the account and on one of its
// deals, protection by an open deal past 项目立项, cool-down, daily limit, cap, assign/move, handover.

import { ApplicationFailure } from '@temporalio/common';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { workingDaysDue } from '../../workflows/working-days';
import { useAccountHarness } from './account-harness';
import { ACTORS, DAY_MS, eventually, USERS } from './helpers';

jest.setTimeout(40_000);

const h = useAccountHarness();
const TEAM_REP = { userId: USERS.teamRep, role: 'rep' } as const;
const RULES = PSM_PROCESS.customerFunnel.claims;
const CAL = PSM_PROCESS.workCalendar;

async function refusal(promise: Promise<unknown>): Promise<{ code: string | undefined; details: unknown }> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ApplicationFailure)
      return { code: cause.type ?? undefined, details: cause.details?.[0] };
    throw err;
  }
  throw new Error('expected a refusal');
}

test('a claim lapses at its deadline, warned before it; rep and manager are told; cool-down then holds', async () => {
  const acc = h.account();
  const claimed = await acc.command('claim', ACTORS.rep, {});
  const at = Date.parse(claimed.account.claimedAt as string);
  expect(claimed.account.ownerId).toBe(USERS.rep);
  expect(claimed.account.funnelStep).toBe('listed');
  const lapsesAt = workingDaysDue(at, RULES.lapseWorkingDays, CAL).dueAt;
  const warnsAt = workingDaysDue(at, RULES.lapseWorkingDays - RULES.warnWorkingDaysBefore, CAL).dueAt;
  expect(Date.parse(claimed.account.lapsesAt as string)).toBe(lapsesAt);
  expect(Date.parse(claimed.account.warnsAt as string)).toBe(warnsAt);

  // Just before the warning: nothing yet.
  await h.advance(warnsAt - (await h.env.currentTimeMs()) - 60_000);
  expect(h.fakes.notices.filter((n) => n.accountId === acc.id)).toHaveLength(0);
  // Past the warning: the rep and their manager are warned once, the claim still holds.
  await h.advance(2 * 60_000);
  await eventually(() =>
    expect(
      h.fakes.notices.filter((n) => n.accountId === acc.id).map((n) => `${n.kind}:${n.recipient}`),
    ).toEqual(['claim_warning:owner', 'claim_warning:manager']),
  );
  expect((await acc.state()).ownerId).toBe(USERS.rep);

  // Just before the lapse: still held.
  await h.advance(lapsesAt - (await h.env.currentTimeMs()) - 60_000);
  expect((await acc.state()).ownerId).toBe(USERS.rep);
  await h.advance(2 * 60_000);
  const lapsed = await acc.state();
  expect(lapsed.ownerId).toBeNull();
  expect(lapsed.funnelStep).toBe('target');
  expect(lapsed.lapsesAt).toBeNull();
  const change = lapsed.events.find((e) => e.type === 'owner_changed' && e.data.reason === 'lapse');
  expect(change).toMatchObject({ actorId: null, data: { from: USERS.rep, to: null } });
  expect(Date.parse(change!.at)).toBeGreaterThanOrEqual(lapsesAt);
  expect(Date.parse(change!.at)).toBeLessThan(lapsesAt + 60_000);
  await eventually(() =>
    expect(
      h.fakes.notices
        .filter((n) => n.accountId === acc.id && n.kind === 'claim_lapsed')
        .map((n) => n.recipient),
    ).toEqual(['owner', 'manager']),
  );
  await eventually(() => expect(h.fakes.holdings.has(acc.id)).toBe(false));

  // The rep who lost it waits out the cool-down; a colleague may claim at once.
  const cool = await refusal(acc.command('claim', ACTORS.rep, {}));
  expect(cool.code).toBe('CLAIM_COOL_DOWN');
  expect(Date.parse((cool.details as { until: string }).until)).toBe(
    Date.parse(change!.at) + RULES.coolDownDays * DAY_MS,
  );
  const colleague = await acc.command('claim', ACTORS.otherRep, {});
  expect(colleague.account.ownerId).toBe(USERS.otherRep);
  await acc.command('release', ACTORS.otherRep, {});
  await h.advance(RULES.coolDownDays * DAY_MS);
  expect((await acc.command('claim', ACTORS.rep, {})).account.ownerId).toBe(USERS.rep);
  await acc.command('release', ACTORS.rep, {});
});

test('a sales action on the account, or on one of its deals, moves the lapse date at once', async () => {
  const acc = h.account();
  const claimed = await acc.command('claim', ACTORS.rep, {});
  const firstLapse = Date.parse(claimed.account.lapsesAt as string);
  await h.advance(10 * DAY_MS);

  const visit = await acc.command('logSalesAction', ACTORS.rep, { kind: 'visit', note: 'met the CIO' });
  const afterVisit = Date.parse(visit.account.lapsesAt as string);
  const visitAt = Date.parse(visit.account.lastSalesActionAt as string);
  expect(afterVisit).toBe(workingDaysDue(visitAt, RULES.lapseWorkingDays, CAL).dueAt);
  expect(afterVisit).toBeGreaterThan(firstLapse);

  await h.advance(10 * DAY_MS);
  // As the deal-event hook sends it: an activity logged on one of the account's deals.
  const onDeal = await acc.command(
    'logSalesAction',
    ACTORS.rep,
    { kind: 'call', opportunityId: 'opp-x' },
    'deal:opp-x:7',
  );
  const afterDeal = Date.parse(onDeal.account.lapsesAt as string);
  expect(afterDeal).toBeGreaterThan(afterVisit);

  // Past both earlier deadlines the claim still holds; the journal says why.
  await h.advance(afterVisit - (await h.env.currentTimeMs()) + DAY_MS);
  const state = await acc.state();
  expect(state.ownerId).toBe(USERS.rep);
  expect(state.events.filter((e) => e.type === 'sales_action').map((e) => e.data.kind)).toEqual([
    'visit',
    'call',
  ]);
  expect(state.events.find((e) => e.data.opportunityId === 'opp-x')?.data.lapsesAt).toBe(
    onDeal.account.lapsesAt,
  );

  // A repeat of the same deal event changes nothing.
  const repeat = await acc.command(
    'logSalesAction',
    ACTORS.rep,
    { kind: 'call', opportunityId: 'opp-x' },
    'deal:opp-x:7',
  );
  expect(repeat.seq).toBe(onDeal.seq);
  await acc.command('release', ACTORS.rep, {});
});

test('an open deal past 项目立项 protects the account from lapsing; when it closes the clock starts afresh', async () => {
  const acc = h.account();
  await acc.command('claim', ACTORS.rep, {});
  const opened = await acc.command('dealOpened', ACTORS.rep, { opportunityId: 'opp-p' }, 'deal:opp-p:1');
  expect(opened.account.funnelStep).toBe('intent');
  expect(opened.account.protected).toBe(false);
  const progressed = await acc.command(
    'dealProgressed',
    ACTORS.rep,
    { opportunityId: 'opp-p', milestoneIndex: 1, open: true },
    'deal:opp-p:2',
  );
  expect(progressed.account.protected).toBe(true);
  expect(progressed.account.lapsesAt).toBeNull();

  await h.advance(90 * DAY_MS);
  expect((await acc.state()).ownerId).toBe(USERS.rep);

  const closed = await acc.command(
    'dealProgressed',
    ACTORS.rep,
    { opportunityId: 'opp-p', milestoneIndex: 1, open: false },
    'deal:opp-p:3',
  );
  expect(closed.account.protected).toBe(false);
  const now = await h.env.currentTimeMs();
  const restarted = Date.parse(closed.account.lapsesAt as string);
  expect(restarted).toBeGreaterThan(now + 30 * DAY_MS);
  await h.advance(restarted - now + 60_000);
  expect((await acc.state()).ownerId).toBeNull();
});

test('the daily claim limit and the cap refuse with the count; cap slots free up on release', async () => {
  h.fakes.dailyLimit = 2;
  try {
    const [a, b, c] = [h.account(), h.account(), h.account()];
    await a.command('claim', TEAM_REP, {});
    await b.command('claim', TEAM_REP, {});
    const limited = await refusal(c.command('claim', TEAM_REP, {}));
    expect(limited).toEqual({ code: 'CLAIM_DAILY_LIMIT', details: { today: 2, limit: 2 } });
    expect((await c.state()).ownerId).toBeNull();
    await h.advance(DAY_MS);

    h.fakes.cap = 2;
    const capped = await refusal(c.command('claim', TEAM_REP, {}));
    expect(capped).toEqual({ code: 'CLAIM_CAP_REACHED', details: { current: 2, cap: 2 } });
    await a.command('release', TEAM_REP, {});
    await eventually(() => expect(h.fakes.holdings.has(a.id)).toBe(false));
    expect((await c.command('claim', TEAM_REP, {})).account.ownerId).toBe(USERS.teamRep);
    // A manager's assignment respects the cap too.
    const assignCapped = await refusal(a.command('assign', ACTORS.manager, { toUserId: USERS.teamRep }));
    expect(assignCapped.code).toBe('CLAIM_CAP_REACHED');
    await b.command('release', TEAM_REP, {});
    await c.command('release', TEAM_REP, {});
  } finally {
    h.fakes.dailyLimit = 10;
    h.fakes.cap = 50;
  }
});

test('refusals decidable from state are Update validators: already held, not held, not theirs', async () => {
  const acc = h.account();
  await acc.command('claim', ACTORS.rep, {});
  expect((await refusal(acc.command('claim', ACTORS.otherRep, {}))).code).toBe('ACCOUNT_ALREADY_CLAIMED');
  expect((await refusal(acc.command('release', ACTORS.otherRep, {}))).code).toBe('FORBIDDEN');
  expect((await refusal(acc.command('assign', ACTORS.rep, { toUserId: USERS.teamRep }))).code).toBe(
    'FORBIDDEN',
  );
  expect((await refusal(acc.command('recordBusinessSignal', ACTORS.rep, { signal: 'bogus' }))).code).toBe(
    'UNKNOWN_BUSINESS_SIGNAL',
  );
  await acc.command('release', ACTORS.rep, {});
  expect((await refusal(acc.command('release', ACTORS.rep, {}))).code).toBe('ACCOUNT_NOT_CLAIMED');
  // Validators leave no history: the journal holds the claim and the release only.
  const owners = (await acc.state()).events
    .filter((e) => e.type === 'owner_changed')
    .map((e) => e.data.reason);
  expect(owners).toEqual(['claim', 'release']);
});

test('a manager assigns a pool account and moves a claim; an admin hands over a leaver’s account', async () => {
  const acc = h.account();
  const assigned = await acc.command('assign', ACTORS.manager, {
    toUserId: USERS.rep,
    note: 'your territory',
  });
  expect(assigned.account.ownerId).toBe(USERS.rep);
  const moved = await acc.command('move', ACTORS.manager, { toUserId: USERS.teamRep });
  expect(moved.account.ownerId).toBe(USERS.teamRep);
  await eventually(() => expect(h.fakes.holdings.get(acc.id)).toBe(USERS.teamRep));

  const handedOver = await acc.command('handover', ACTORS.admin, {
    fromUserId: USERS.teamRep,
    toUserId: USERS.otherRep,
    note: '离职继承',
  });
  expect(handedOver.account.ownerId).toBe(USERS.otherRep);
  // Resumed handover of an account already moved on: nothing changes.
  const again = await acc.command('handover', ACTORS.admin, {
    fromUserId: USERS.teamRep,
    toUserId: USERS.otherRep,
  });
  expect(again.unchanged).toBe(true);
  const history = (await acc.state()).events
    .filter((e) => e.type === 'owner_changed')
    .map((e) => [e.data.reason, e.actorId, e.data.from, e.data.to]);
  expect(history).toEqual([
    ['assign', USERS.manager, null, USERS.rep],
    ['move', USERS.manager, USERS.rep, USERS.teamRep],
    ['handover', USERS.admin, USERS.teamRep, USERS.otherRep],
  ]);
  await eventually(() =>
    expect(h.fakes.journal(acc.id).filter((e) => e.type === 'owner_changed')).toHaveLength(3),
  );
  await acc.command('release', ACTORS.otherRep, {});
});

test('the six steps follow what happens: signal, deal opened, contract signed, handover finished', async () => {
  const acc = h.account();
  await acc.command('claim', ACTORS.rep, {});
  expect(
    (await acc.command('recordBusinessSignal', ACTORS.rep, { signal: 'contract_expiring' })).account
      .funnelStep,
  ).toBe('potential');
  expect((await acc.command('dealOpened', ACTORS.rep, { opportunityId: 'opp-s' })).account.funnelStep).toBe(
    'intent',
  );
  expect((await acc.command('dealWon', ACTORS.rep, { opportunityId: 'opp-s' })).account.funnelStep).toBe(
    'order',
  );
  const active = await acc.command('handoverFinished', ACTORS.rep, { opportunityId: 'opp-s' });
  expect(active.account.funnelStep).toBe('active');
  expect(active.account.lapsesAt).toBeNull();
  // An active customer is outside the cap: its slot is freed.
  await eventually(() => expect(h.fakes.holdings.has(acc.id)).toBe(false));
  expect((await refusal(acc.command('release', ACTORS.rep, {}))).code).toBe('ACCOUNT_ACTIVE_KEEPS_OWNER');
  const steps = (await acc.state()).events.filter((e) => e.type === 'funnel_moved').map((e) => e.data.to);
  expect(steps).toEqual(['listed', 'potential', 'intent', 'order', 'active']);
  await h.advance(120 * DAY_MS);
  expect((await acc.state()).ownerId).toBe(USERS.rep);
});
