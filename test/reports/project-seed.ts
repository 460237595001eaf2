// Sales projects in the read model for the project-report tests: deals projected by the real
// projectOpportunity (DealScript), then their plans, teams, plan versions, activities and handover
// written as the LTC projection writes them. Dates are plain: day(n) from deal-script.ts.
import type { PrismaClient } from '../../src/db/prisma';
import type { TestOrg } from '../support/app';
import { DealScript, day } from './deal-script';

const date = (d: string) => new Date(`${d}T00:00:00.000Z`);

async function appendEvents(
  prisma: PrismaClient,
  opportunityId: string,
  events: { type: string; at: Date; actorId: string; payload: object }[],
) {
  const row = await prisma.opportunity.findUniqueOrThrow({ where: { id: opportunityId } });
  let seq = row.lastEventSeq;
  for (const e of events) {
    seq += 1;
    await prisma.opportunityEvent.create({
      data: { opportunityId, seq, type: e.type, actorId: e.actorId, occurredAt: e.at, payload: e.payload },
    });
  }
  await prisma.opportunity.update({ where: { id: opportunityId }, data: { lastEventSeq: seq } });
}

async function plan(
  prisma: PrismaClient,
  opportunityId: string,
  rows: [milestone: string, index: number, planned: string, actual: string | null][],
) {
  await prisma.milestonePlan.createMany({
    data: rows.map(([milestone, milestoneIndex, planned, actual]) => ({
      opportunityId,
      milestone,
      milestoneIndex,
      plannedDate: date(planned),
      actualDate: actual === null ? null : date(actual),
    })),
  });
}

async function team(prisma: PrismaClient, opportunityId: string, members: [string, string][]) {
  await prisma.opportunityTeamMember.createMany({
    data: members.map(([userId, role]) => ({ opportunityId, userId, role, addedAt: day(1) })),
  });
}

export const RISK_BUDGET = { risk: 'Budget approval slips', mitigation: 'Meet the CFO early' };
export const RISK_INCUMBENT = { risk: 'Incumbent vendor lobbies', mitigation: 'Reference visit' };
export const RISK_KEY_USER = { risk: 'Key user leaves', mitigation: 'Train a second user' };

export interface ProjectSeed {
  metro: string;
  port: string;
  lost: string;
  plain: string;
}

/**
 * - metro (repA1, open): plan v1 on 01-08, v2 on 02-05 (risk budget closed, key user opened);
 *   deep engagement planned 01-12 reached 01-15 (+3), TB1 planned 01-30 reached 02-04 (+5), TB2
 *   planned 02-06 not reached, BB 02-20, signing 03-10; SR repA2, FR repB1; a call 02-03, a visit 02-05.
 * - port (repB1): BB planned 01-20 reached 01-26 (+6), signing planned 02-05 won 02-02 (−3);
 *   handover pending, due day(33) = 02-07; SR repA1, FR repA2.
 * - lost (repA1): TB1 planned 01-20, lost on day(20) = 01-25; SR repA2.
 * - plain (repA2, no plan): SR repB1.
 */
export async function seedProjects(prisma: PrismaClient, org: TestOrg): Promise<ProjectSeed> {
  const metro = new DealScript(org.repA1.id, 2_000_000, day(0), { name: 'Metro signalling' });
  metro.reach(0, day(2)).reach(1, day(10)).reach(2, day(30));
  await metro.project(prisma);
  const port = new DealScript(org.repB1.id, 1_500_000, day(0), { name: 'Port cranes' });
  port.walk(4, day(1), 5).reach(5, day(28));
  await port.project(prisma);
  const lost = new DealScript(org.repA1.id, 1_200_000, day(0), { name: 'Lost tender' });
  lost.reach(0, day(2)).lose(day(20));
  await lost.project(prisma);
  const plain = new DealScript(org.repA2.id, 300_000, day(0), { name: 'Plain deal' });
  plain.reach(0, day(3));
  await plain.project(prisma);

  await prisma.opportunity.update({
    where: { id: metro.id },
    data: { major: true, kickoffRequired: true, planRecordedAt: day(3), decisionDate: date('2026-03-01') },
  });
  await plan(prisma, metro.id, [
    ['deep_engagement', 1, '2026-01-12', '2026-01-15'],
    ['technical_breakthrough_1', 2, '2026-01-30', '2026-02-04'],
    ['technical_breakthrough_2', 3, '2026-02-06', null],
    ['business_breakthrough', 4, '2026-02-20', null],
    ['contract_signed', 5, '2026-03-10', null],
  ]);
  await team(prisma, metro.id, [
    [org.repA1.id, 'AR'],
    [org.repA2.id, 'SR'],
    [org.repB1.id, 'FR'],
  ]);
  await appendEvents(prisma, metro.id, [
    {
      type: 'project_plan_recorded',
      at: day(3),
      actorId: org.repA1.id,
      payload: {
        version: 1,
        risks: [
          { ...RISK_BUDGET, ownerId: org.repA1.id },
          { ...RISK_INCUMBENT, ownerId: org.repA2.id },
        ],
      },
    },
    {
      type: 'project_plan_recorded',
      at: day(31),
      actorId: org.repA1.id,
      payload: {
        version: 2,
        risks: [
          { ...RISK_INCUMBENT, ownerId: org.repA2.id },
          { ...RISK_KEY_USER, ownerId: org.repB1.id },
        ],
      },
    },
  ]);
  await prisma.salesActivity.createMany({
    data: [
      {
        opportunityId: metro.id,
        seq: 900,
        kind: 'call',
        occurredAt: day(29),
        note: 'Pricing call',
        actorId: org.repA1.id,
      },
      {
        opportunityId: metro.id,
        seq: 901,
        kind: 'visit',
        occurredAt: day(31),
        note: 'Site survey',
        actorId: org.repA2.id,
      },
      // The week before: not in W06's report.
      {
        opportunityId: metro.id,
        seq: 902,
        kind: 'email',
        occurredAt: day(24),
        note: 'Agenda',
        actorId: org.repA1.id,
      },
    ],
  });

  await prisma.opportunity.update({
    where: { id: port.id },
    data: {
      major: true,
      kickoffRequired: true,
      planRecordedAt: day(1),
      handoverStatus: 'pending',
      handoverDueAt: day(33),
    },
  });
  await plan(prisma, port.id, [
    ['business_breakthrough', 4, '2026-01-20', '2026-01-26'],
    ['contract_signed', 5, '2026-02-05', '2026-02-02'],
  ]);
  await team(prisma, port.id, [
    [org.repB1.id, 'AR'],
    [org.repA1.id, 'SR'],
    [org.repA2.id, 'FR'],
  ]);

  await prisma.opportunity.update({ where: { id: lost.id }, data: { major: true, planRecordedAt: day(3) } });
  await plan(prisma, lost.id, [['technical_breakthrough_1', 2, '2026-01-20', null]]);
  await team(prisma, lost.id, [[org.repA2.id, 'SR']]);

  await team(prisma, plain.id, [[org.repB1.id, 'SR']]);
  return { metro: metro.id, port: port.id, lost: lost.id, plain: plain.id };
}
