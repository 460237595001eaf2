// Claims in PostgreSQL for real: the cap (per team within the definition's bounds) and the daily
// limit reserved atomically per rep and idempotent by request id; the journal projection by seq.

import { randomUUID } from 'node:crypto';
import { AppError } from '../../src/errors/app-error';
import {
  claimUsage,
  projectAccount,
  releaseClaim,
  reserveClaim,
  setTeamClaimCap,
} from '../../src/customers/claims-store';
import type { AccountEvent, AccountView, ClaimReservation } from '../../workflows/account-types';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { createTestDatabase, type TestDatabase } from '../support/database';

jest.setTimeout(40_000);
const CLAIMS = PSM_PROCESS.customerFunnel.claims;

let db: TestDatabase;
let managerId: string;
const reps: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const manager = await db.prisma.user.create({
    data: { name: 'M', email: 'm@claims.test', role: 'manager' },
  });
  managerId = manager.id;
  for (let i = 0; i < 8; i += 1) {
    const rep = await db.prisma.user.create({
      data: { name: `R${i}`, email: `r${i}@claims.test`, role: 'rep', managerId },
    });
    reps.push(rep.id);
  }
});
afterAll(async () => {
  await db?.drop();
});

const at = (iso: string) => iso;

test('the cap: a team cap within bounds, refusal with the current count, same answer on retry, slot freed on release', async () => {
  const rep = reps[0]!;
  await expect(
    setTeamClaimCap(db.prisma, { managerId, cap: CLAIMS.capMin - 1, setById: managerId }),
  ).rejects.toMatchObject({
    code: 'CLAIM_CAP_OUT_OF_BOUNDS',
  });
  await expect(
    setTeamClaimCap(db.prisma, { managerId, cap: CLAIMS.capMax + 1, setById: managerId }),
  ).rejects.toBeInstanceOf(AppError);
  await setTeamClaimCap(db.prisma, { managerId, cap: CLAIMS.capMin, setById: managerId });
  for (let i = 0; i < CLAIMS.capMin; i += 1) {
    const answer = await reserveClaim(db.prisma, {
      requestId: `assign-${i}`,
      accountId: `acc-cap-${i}`,
      userId: rep,
      kind: 'assign',
      at: at('2026-12-03T02:00:00Z'),
    });
    expect(answer).toEqual({ ok: true });
  }
  expect(await claimUsage(db.prisma, rep)).toEqual({ held: CLAIMS.capMin, cap: CLAIMS.capMin });
  const request = {
    requestId: 'claim-over',
    accountId: 'acc-cap-x',
    userId: rep,
    kind: 'claim' as const,
    at: at('2026-12-03T03:00:00Z'),
  };
  expect(await reserveClaim(db.prisma, request)).toEqual({
    ok: false,
    code: 'CLAIM_CAP_REACHED',
    current: CLAIMS.capMin,
    cap: CLAIMS.capMin,
  });
  // Re-reserving an account the rep already holds does not count it twice.
  expect(
    await reserveClaim(db.prisma, { ...request, requestId: 'again-0', accountId: 'acc-cap-0', kind: 'move' }),
  ).toEqual({ ok: true });
  await releaseClaim(db.prisma, { accountId: 'acc-cap-0', userId: rep });
  // The same request id keeps its first answer; a new one gets the freed slot.
  expect((await reserveClaim(db.prisma, request)).ok).toBe(false);
  expect(await reserveClaim(db.prisma, { ...request, requestId: 'claim-over-2' })).toEqual({ ok: true });
  // A handover may take the successor past the cap (the admin's decision).
  expect(
    await reserveClaim(db.prisma, {
      ...request,
      requestId: 'handover-1',
      accountId: 'acc-cap-h',
      kind: 'handover',
    }),
  ).toEqual({ ok: true });
});

test('the daily limit counts granted claims per local day (Asia/Shanghai)', async () => {
  const rep = reps[1]!;
  // 2026-12-03 in China runs from 2026-12-02T16:00Z to 2026-12-03T16:00Z.
  for (let i = 0; i < CLAIMS.dailyClaimLimit; i += 1) {
    expect(
      await reserveClaim(db.prisma, {
        requestId: `day-${i}`,
        accountId: `acc-day-${i}`,
        userId: rep,
        kind: 'claim',
        at: at(i === 0 ? '2026-12-02T16:30:00Z' : '2026-12-03T10:00:00Z'),
      }),
    ).toEqual({ ok: true });
  }
  expect(
    await reserveClaim(db.prisma, {
      requestId: 'day-over',
      accountId: 'acc-day-x',
      userId: rep,
      kind: 'claim',
      at: at('2026-12-03T15:59:00Z'),
    }),
  ).toEqual({
    ok: false,
    code: 'CLAIM_DAILY_LIMIT',
    today: CLAIMS.dailyClaimLimit,
    limit: CLAIMS.dailyClaimLimit,
  });
  // Releases do not give claims back the same day; the next local day does.
  await releaseClaim(db.prisma, { accountId: 'acc-day-0', userId: rep });
  expect(
    (
      await reserveClaim(db.prisma, {
        requestId: 'day-over-2',
        accountId: 'acc-day-x',
        userId: rep,
        kind: 'claim',
        at: at('2026-12-03T15:59:30Z'),
      })
    ).ok,
  ).toBe(false);
  expect(
    await reserveClaim(db.prisma, {
      requestId: 'next-day',
      accountId: 'acc-day-x',
      userId: rep,
      kind: 'claim',
      at: at('2026-12-03T16:01:00Z'),
    }),
  ).toEqual({ ok: true });
});

test('concurrent claims for the last slot: exactly one wins', async () => {
  const rep = reps[2]!;
  await setTeamClaimCap(db.prisma, { managerId, cap: CLAIMS.capMin, setById: managerId });
  for (let i = 0; i < CLAIMS.capMin - 1; i += 1)
    await reserveClaim(db.prisma, {
      requestId: `fill-${i}`,
      accountId: `acc-fill-${i}`,
      userId: rep,
      kind: 'assign',
      at: at('2026-12-03T02:00:00Z'),
    });
  const answers = await Promise.all(
    [0, 1, 2, 3, 4].map((i) =>
      reserveClaim(db.prisma, {
        requestId: `race-${i}`,
        accountId: `acc-race-${i}`,
        userId: rep,
        kind: 'claim',
        at: at('2026-12-03T02:00:00Z'),
      }),
    ),
  );
  expect(answers.filter((a) => a.ok)).toHaveLength(1);
  expect(answers.filter((a) => !a.ok && a.code === 'CLAIM_CAP_REACHED')).toHaveLength(4);
  expect((await claimUsage(db.prisma, rep)).held).toBe(CLAIMS.capMin);
});

test('40 reservations at once for one rep: exactly the cap succeeds, the rest are refused with the cap code, none errors', async () => {
  const rep = reps[4]!;
  await setTeamClaimCap(db.prisma, { managerId, cap: CLAIMS.capMin, setById: managerId });
  const settled = await Promise.allSettled(
    Array.from({ length: 40 }, (_, i) =>
      reserveClaim(db.prisma, {
        requestId: `burst-${i}`,
        accountId: `acc-burst-${i}`,
        userId: rep,
        kind: 'assign',
        at: at('2026-12-03T02:00:00Z'),
      }),
    ),
  );
  const errors = settled.filter((s) => s.status === 'rejected');
  expect(errors.map((e) => String((e as PromiseRejectedResult).reason).slice(0, 200))).toEqual([]);
  const answers = settled.map((s) => (s as PromiseFulfilledResult<ClaimReservation>).value);
  expect(answers.filter((a) => a.ok)).toHaveLength(CLAIMS.capMin);
  const refused = answers.filter((a) => !a.ok);
  expect(refused).toHaveLength(40 - CLAIMS.capMin);
  for (const r of refused)
    expect(r).toEqual({ ok: false, code: 'CLAIM_CAP_REACHED', current: CLAIMS.capMin, cap: CLAIMS.capMin });
  expect(await claimUsage(db.prisma, rep)).toEqual({ held: CLAIMS.capMin, cap: CLAIMS.capMin });
  const stored = await db.prisma.claimReservation.findUniqueOrThrow({ where: { requestId: 'burst-0' } });
  expect(stored).toMatchObject({ userId: rep, kind: 'assign', day: '2026-12-03' });
  expect(stored.at.toISOString()).toBe('2026-12-03T02:00:00.000Z');
  // Every request id keeps its answer when retried all at once.
  const again = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      reserveClaim(db.prisma, {
        requestId: `burst-${i}`,
        accountId: `acc-burst-${i}`,
        userId: rep,
        kind: 'assign',
        at: at('2026-12-03T02:00:00Z'),
      }),
    ),
  );
  expect(again).toEqual(answers);
});

test('claims at once against the daily limit: exactly the limit is granted, the rest refused with the daily-limit code', async () => {
  const rep = reps[5]!;
  const n = CLAIMS.dailyClaimLimit + 15;
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      reserveClaim(db.prisma, {
        requestId: `daily-burst-${i}`,
        accountId: `acc-daily-burst-${i}`,
        userId: rep,
        kind: 'claim',
        at: at('2026-12-04T02:00:00Z'),
      }),
    ),
  );
  expect(answers.filter((a) => a.ok)).toHaveLength(CLAIMS.dailyClaimLimit);
  const refused = answers.filter((a) => !a.ok);
  expect(refused).toHaveLength(15);
  for (const r of refused)
    expect(r).toEqual({
      ok: false,
      code: 'CLAIM_DAILY_LIMIT',
      today: CLAIMS.dailyClaimLimit,
      limit: CLAIMS.dailyClaimLimit,
    });
});

test('reservations queued behind a slow holder of the rep lock (a loaded machine) wait for it instead of failing', async () => {
  const rep = reps[6]!;
  // Another reservation for this rep holds the per-rep lock for 6 s: longer than an interactive
  // transaction's 5 s timeout, as a stalled holder on a loaded 2-core machine can.
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const holder = db.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('claim-holder'), hashtext(${rep}))`;
      holding();
      await tx.$executeRaw`SELECT pg_sleep(6)`;
    },
    { timeout: 30_000 },
  );
  await held;
  const settled = await Promise.allSettled(
    Array.from({ length: 3 }, (_, i) =>
      reserveClaim(db.prisma, {
        requestId: `queued-${i}`,
        accountId: `acc-queued-${i}`,
        userId: rep,
        kind: 'claim',
        at: at('2026-12-03T02:00:00Z'),
      }),
    ),
  );
  await holder;
  expect(
    settled
      .filter((s) => s.status === 'rejected')
      .map((e) => String((e as PromiseRejectedResult).reason).slice(0, 200)),
  ).toEqual([]);
  expect(settled.map((s) => (s as PromiseFulfilledResult<ClaimReservation>).value)).toEqual([
    { ok: true },
    { ok: true },
    { ok: true },
  ]);
});

test('the journal projects once per seq; owner history and the Account columns follow, never backwards', async () => {
  const rep = reps[3]!;
  const id = `acc-${randomUUID().replace(/-/g, '')}`;
  await db.prisma.account.create({
    data: { id, name: 'Acme', normalizedName: `acme-${id}`, createdById: rep },
  });
  const ev = (seq: number, type: AccountEvent['type'], data: Record<string, unknown>): AccountEvent => ({
    seq,
    type,
    actorId: rep,
    at: `2026-12-03T0${seq}:00:00.000Z`,
    data,
  });
  const view = (seq: number, ownerId: string | null): AccountView => ({
    accountId: id,
    funnelStep: ownerId ? 'listed' : 'target',
    ownerId,
    claimedAt: ownerId ? '2026-12-03T01:00:00.000Z' : null,
    lastSalesActionAt: null,
    lapsesAt: ownerId ? '2027-01-14T01:00:00.000Z' : null,
    warnsAt: ownerId ? '2027-01-07T01:00:00.000Z' : null,
    protected: false,
    coolDowns: {},
    deals: {},
    seq,
    events: [],
  });
  const first = [
    ev(1, 'owner_changed', { from: null, to: rep, reason: 'claim' }),
    ev(2, 'funnel_moved', { from: 'target', to: 'listed' }),
  ];
  await projectAccount(db.prisma, { view: view(2, rep), events: first });
  await projectAccount(db.prisma, { view: view(2, rep), events: first }); // a retried batch
  const second = [ev(3, 'owner_changed', { from: rep, to: null, reason: 'release', note: 'not for us' })];
  await projectAccount(db.prisma, { view: view(3, null), events: second });
  await projectAccount(db.prisma, { view: view(2, rep), events: first }); // late and older: columns stay
  expect(await db.prisma.accountEvent.count({ where: { accountId: id } })).toBe(3);
  const owners = await db.prisma.accountOwnerChange.findMany({
    where: { accountId: id },
    orderBy: { at: 'asc' },
  });
  expect(owners.map((o) => [o.reason, o.fromUserId, o.toUserId, o.note])).toEqual([
    ['claim', null, rep, null],
    ['release', rep, null, 'not for us'],
  ]);
  const row = await db.prisma.account.findUniqueOrThrow({ where: { id } });
  expect(row).toMatchObject({ ownerId: null, funnelStep: 'target', seq: 3, lapsesAt: null });
});

test('accounts a rep owns in the read model without a holding (deals backfill, import) count against the cap', async () => {
  const rep = reps[7]!;
  await setTeamClaimCap(db.prisma, { managerId, cap: CLAIMS.capMin, setById: managerId });
  // capMin - 1 owned the way the backfill leaves them, one of them also held, and one active customer.
  const owned = Array.from({ length: CLAIMS.capMin - 1 }, (_, i) => `acc-stored-${i}`);
  for (const id of [...owned, 'acc-stored-active'])
    await db.prisma.account.create({
      data: {
        id,
        name: id,
        normalizedName: id,
        ownerId: rep,
        funnelStep: id.endsWith('active') ? 'active' : 'listed',
        createdById: managerId,
      },
    });
  await reserveClaim(db.prisma, {
    requestId: 'stored-held-0',
    accountId: owned[0]!,
    userId: rep,
    kind: 'assign',
    at: at('2026-12-04T02:00:00Z'),
  });
  // Each account once, the active customer outside the cap.
  expect(await claimUsage(db.prisma, rep)).toEqual({ held: CLAIMS.capMin - 1, cap: CLAIMS.capMin });
  const last = { userId: rep, kind: 'claim' as const, at: at('2026-12-04T02:00:00Z') };
  expect(
    await reserveClaim(db.prisma, { ...last, requestId: 'stored-last', accountId: 'acc-stored-x' }),
  ).toEqual({
    ok: true,
  });
  expect(
    await reserveClaim(db.prisma, { ...last, requestId: 'stored-over', accountId: 'acc-stored-y' }),
  ).toEqual({
    ok: false,
    code: 'CLAIM_CAP_REACHED',
    current: CLAIMS.capMin,
    cap: CLAIMS.capMin,
  });
});
