// A quarter of account journal, written straight into the read model's tables as the account
// workflow's projection writes them (owner_changed rows as AccountOwnerChange, step_changed events). Expected report numbers in the tests are worked out by
// hand from this list (times are Shanghai local; Q1 = 2026-01-01 .. 2026-03-31).
//
// Team A: repA1, repA2 (managerA). Team B: repB1 (managerB). Funnel moves (step: 0 target,
// 1 listed, 2 potential, 3 intent, 4 order, 5 active):
//   A1 repA1  claimed 01-10; signal 02-01 (→2); deal 02-10 (→3); contract 03-01 (→4). Now order.
//   A2 repA1  claimed 01-12; deal 01-20 (1→3, potential skipped). Now intent.
//   A3 repA1  claimed 01-15; lapsed 02-28 (→0, to the pool); claimed by repA2 03-05 (each move
//             is credited to the holder the owner history names at its time). Now repA2's, listed, in warning.
//   A4 repA1  claimed 2025-12-20 (before Q1); signal 01-05 (→2). Now potential.
//   A5 repA2  claimed 01-03; signal 04-02 (after Q1). Now potential, its clock already run out.
//   A6 repA2  claimed 01-02; contract 01-20 (1→4); handover 02-01 (→5). Now active.
//   A10 repA2 claimed 01-04; lapsed 2026-02-01 01:00 local (2026-01-31 17:00 UTC). Now in the pool.
//   A7 repB1  claimed 01-08; lapsed 01-30. Now in the pool.   A8 never claimed: in the pool.
//   A11 repA2 given to repA2 by the accounts migration (no owner change on record); contract 03-10
//             (3→4), credited to its holder now. Now order.
//   A9 repB1  claimed 02-02. Now listed; repB1 also holds 49 listed accounts without journal (cap 50).
import { Prisma, type PrismaClient } from '../../src/db/prisma';
import type { TestOrg } from '../support/app';

const at = (local: string) => new Date(`${local}+08:00`);

export async function seedCustomerQuarter(prisma: PrismaClient, org: TestOrg, now: Date): Promise<void> {
  const { repA1, repA2, repB1, admin } = org;
  const day = 86_400_000;
  const accounts: [string, string | null, string, Date | null, Date | null][] = [
    ['A1', repA1.id, 'order', null, null],
    ['A2', repA1.id, 'intent', null, null],
    ['A3', repA2.id, 'listed', new Date(now.getTime() - day), new Date(now.getTime() + 4 * day)],
    ['A4', repA1.id, 'potential', null, null],
    ['A5', repA2.id, 'potential', new Date(now.getTime() - 10 * day), new Date(now.getTime() - day)],
    ['A6', repA2.id, 'active', null, null],
    ['A7', null, 'target', null, null],
    ['A8', null, 'target', null, null],
    ['A9', repB1.id, 'listed', null, null],
    ['A10', null, 'target', null, null],
    ['A11', repA2.id, 'order', null, null],
  ];
  for (const [key, ownerId, step, warnsAt, lapsesAt] of accounts) {
    await prisma.$executeRaw`
      INSERT INTO "Account" ("id", "name", "normalizedName", "funnelStep", "ownerId", "warnsAt", "lapsesAt",
                             "createdById", "updatedAt")
      VALUES (${`acc-${key}`}, ${`Account ${key}`}, ${`account ${key.toLowerCase()}`}, ${step},
              ${ownerId}::uuid, ${warnsAt}, ${lapsesAt}, ${admin.id}::uuid, now())`;
  }
  await prisma.$executeRaw`
    INSERT INTO "Account" ("id", "name", "normalizedName", "funnelStep", "ownerId", "createdById", "updatedAt")
    SELECT 'acc-B' || n, 'Bulk ' || n, 'bulk ' || n, 'listed', ${repB1.id}::uuid, ${admin.id}::uuid, now()
      FROM generate_series(1, 49) AS n`;

  const seq = new Map<string, number>();
  let changes = 0;
  const keys = ['target', 'listed', 'potential', 'intent', 'order', 'active'];
  const move = async (key: string, local: string, from: number, to: number, actorId: string) => {
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    const data = { from: keys[from], to: keys[to], evidence: {} };
    await prisma.$executeRaw`
      INSERT INTO "AccountEvent" ("accountId", "seq", "type", "actorId", "at", "data")
      VALUES (${`acc-${key}`}, ${n}, 'step_changed', ${actorId}::uuid, ${at(local)}, ${Prisma.sql`${JSON.stringify(data)}::jsonb`})`;
  };
  const owner = async (
    key: string,
    local: string,
    from: string | null,
    to: string | null,
    reason: string,
  ) => {
    changes += 1;
    await prisma.$executeRaw`
      INSERT INTO "AccountOwnerChange" ("id", "accountId", "fromUserId", "toUserId", "actorId", "reason", "at")
      VALUES (${`oc-${changes}`}, ${`acc-${key}`}, ${from}::uuid, ${to}::uuid, ${from ?? to}::uuid, ${reason}, ${at(local)})`;
  };
  const claim = async (key: string, local: string, rep: string) => {
    await owner(key, local, null, rep, 'claim');
    await move(key, local, 0, 1, rep);
  };
  const lapse = async (key: string, local: string, rep: string) => {
    await owner(key, local, rep, null, 'lapse');
    await move(key, local, 1, 0, rep);
  };

  await claim('A1', '2026-01-10T10:00:00', repA1.id);
  await move('A1', '2026-02-01T10:00:00', 1, 2, repA1.id);
  await move('A1', '2026-02-10T10:00:00', 2, 3, repA1.id);
  await move('A1', '2026-03-01T10:00:00', 3, 4, repA1.id);
  await claim('A2', '2026-01-12T10:00:00', repA1.id);
  await move('A2', '2026-01-20T10:00:00', 1, 3, repA1.id);
  await claim('A3', '2026-01-15T10:00:00', repA1.id);
  await lapse('A3', '2026-02-28T10:00:00', repA1.id);
  await claim('A3', '2026-03-05T10:00:00', repA2.id);
  await claim('A4', '2025-12-20T10:00:00', repA1.id);
  await move('A4', '2026-01-05T10:00:00', 1, 2, repA1.id);
  await claim('A5', '2026-01-03T10:00:00', repA2.id);
  await move('A5', '2026-04-02T10:00:00', 1, 2, repA2.id);
  await claim('A6', '2026-01-02T10:00:00', repA2.id);
  await move('A6', '2026-01-20T10:00:00', 1, 4, repA2.id);
  await move('A6', '2026-02-01T10:00:00', 4, 5, repA2.id);
  await claim('A10', '2026-01-04T10:00:00', repA2.id);
  await lapse('A10', '2026-02-01T01:00:00', repA2.id);
  await claim('A7', '2026-01-08T10:00:00', repB1.id);
  await lapse('A7', '2026-01-30T10:00:00', repB1.id);
  await claim('A9', '2026-02-02T10:00:00', repB1.id);
  await move('A11', '2026-03-10T10:00:00', 3, 4, repA2.id);
}
