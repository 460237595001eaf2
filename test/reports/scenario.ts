// One quarter of a small team's deals, scripted in plain dates (day(n) = 2026-01-05 + n days,
// 10:00 Shanghai). Expected report numbers in the tests are worked out by hand from this script.
//
// Team A (managerA): repA1 owns D1–D4, repA2 owns D5–D8. Team B (managerB): repB1 owns D9–D10.
//   D1  100 000  m0 d1, m1 d11, m2 d21; open at TB1 (25 %)
//   D2  200 000  m0 d2 … m5 d27 every 5 days: won d27; gate requested d1, approved d2 (24 h)
//   D3   50 000  (a name with markup) created d-10, m0 d-8 (before Q1), m1 d3; SLA breached d30: stalled
//   D4   80 000  created d5, m0 d6; discount requested d7, rejected d8 (24 h); lost d20
//   D5  300 000  m0 d1 … m4 d13 every 3 days; open at business breakthrough (75 %, commit); closes 2026-03-31;
//                gate requested d0, approved d0.5 (12 h)
//   D6   40 000  m0 d2, m2 d9 with m1 skipped; skip requested d3, approved d9 (144 h)
//   D7   60 000  nothing reached yet (0 %); gate requested d1, still pending
//   D8  500 000  m0 d1 … m3 d4 daily; open at TB2 (50 %); expected to close 2026-06-30 (after Q1)
//   D9 1000 000  m0 d10, m1 d20; on hold d25; gate requested d8, cancelled d9
//   D10  70 000  created d80, m0 d86 (2026-04-01 local: after Q1)
//   D11  25 000  created d79, m0 d80 (in Q1), m1 d90 (after Q1): reached m0 in Q1 but moved on only after it
import type { PrismaClient } from '../../src/db/prisma';
import type { TestOrg } from '../support/app';
import { DealScript, day } from './deal-script';

export const Q1 = { from: '2026-01-01', to: '2026-03-31' } as const;
/** Q1 as instants: local midnight 2026-01-01 to local midnight 2026-04-01 (UTC+8). */
export const Q1_PERIOD = {
  from: new Date('2025-12-31T16:00:00.000Z'),
  to: new Date('2026-03-31T16:00:00.000Z'),
};
export const AS_OF = day(40);

export async function seedQuarter(prisma: PrismaClient, org: TestOrg): Promise<Record<string, DealScript>> {
  const { repA1, repA2, repB1, managerA, managerB } = org;
  const deals = {
    D1: new DealScript(repA1.id, 100_000, day(0)).walk(2, day(1), 10),
    D2: new DealScript(repA1.id, 200_000, day(0))
      .requestApproval('a-d2', 'milestone_gate', managerA.id, day(1), 'project_initiation')
      .decideApproval('a-d2', 'approved', day(2), managerA.id)
      .walk(5, day(2), 5),
    D3: new DealScript(repA1.id, 50_000, day(-10), { name: 'Core banking <b>&</b>' })
      .reach(0, day(-8))
      .reach(1, day(3))
      .breachSla(day(30)),
    D4: new DealScript(repA1.id, 80_000, day(5))
      .reach(0, day(6))
      .requestApproval('a-d4', 'discount', managerA.id, day(7))
      .decideApproval('a-d4', 'rejected', day(8), managerA.id)
      .lose(day(20)),
    D5: new DealScript(repA2.id, 300_000, day(0), { expectedCloseDate: '2026-03-31' })
      .requestApproval('a-d5', 'milestone_gate', managerA.id, day(0), 'project_initiation')
      .decideApproval('a-d5', 'approved', day(0.5), managerA.id)
      .walk(4, day(1), 3),
    D6: new DealScript(repA2.id, 40_000, day(0))
      .reach(0, day(2))
      .requestApproval('a-d6', 'skip_milestone', managerA.id, day(3), 'deep_engagement')
      .decideApproval('a-d6', 'approved', day(9), managerA.id)
      .reach(2, day(9)),
    D7: new DealScript(repA2.id, 60_000, day(0)).requestApproval(
      'a-d7',
      'milestone_gate',
      managerA.id,
      day(1),
      'project_initiation',
    ),
    D8: new DealScript(repA2.id, 500_000, day(0), { expectedCloseDate: '2026-06-30' }).walk(3, day(1), 1),
    D9: new DealScript(repB1.id, 1_000_000, day(0))
      .requestApproval('a-d9', 'milestone_gate', managerB.id, day(8), 'project_initiation')
      .decideApproval('a-d9', 'cancelled', day(9), managerB.id)
      .walk(1, day(10), 10)
      .hold(day(25)),
    D10: new DealScript(repB1.id, 70_000, day(80)).reach(0, day(86)),
    D11: new DealScript(repB1.id, 25_000, day(79)).reach(0, day(80)).reach(1, day(90)),
  };
  for (const deal of Object.values(deals)) await deal.project(prisma);
  return deals;
}

/** Targets: repA1 1 000 000 for Q1; repA2 3 650 000 for 2026 (90 of 365 days fall in Q1: 900 000). */
export async function seedTargets(prisma: PrismaClient, org: TestOrg): Promise<void> {
  await prisma.salesTarget.createMany({
    data: [
      {
        userId: org.repA1.id,
        periodStart: new Date('2026-01-01T00:00:00Z'),
        periodEnd: new Date('2026-03-31T00:00:00Z'),
        amount: 1_000_000,
      },
      {
        userId: org.repA2.id,
        periodStart: new Date('2026-01-01T00:00:00Z'),
        periodEnd: new Date('2026-12-31T00:00:00Z'),
        amount: 3_650_000,
      },
    ],
  });
}
