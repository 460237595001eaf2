// Test data shared by the mail, link and email-activity tests.
import { randomUUID } from 'node:crypto';
import type { ApprovalFacts, DealFacts } from '../../src/contracts/activities';
import type { PrismaClient } from '../../src/db/prisma';

export async function createUser(
  prisma: PrismaClient,
  overrides: {
    name?: string;
    locale?: 'zh_CN' | 'en';
    role?: 'rep' | 'manager' | 'director' | 'admin';
    active?: boolean;
    managerId?: string;
  } = {},
): Promise<{ id: string; name: string; email: string }> {
  const id = randomUUID();
  return prisma.user.create({
    data: {
      id,
      name: overrides.name ?? `User ${id.slice(0, 6)}`,
      email: `${id}@example.test`,
      locale: overrides.locale ?? 'zh_CN',
      role: overrides.role ?? 'manager',
      active: overrides.active ?? true,
      managerId: overrides.managerId,
    },
    select: { id: true, name: true, email: true },
  });
}

export function dealFacts(overrides: Partial<DealFacts> = {}): DealFacts {
  return {
    opportunityId: `opp-${randomUUID().slice(0, 8)}`,
    name: 'Smart Grid Phase II',
    account: 'Huadong Power',
    amount: 1234567,
    currency: 'CNY',
    ownerId: randomUUID(),
    milestone: 'technical_breakthrough_2',
    milestoneIndex: 4,
    daysInStage: 17,
    lastActivityAt: '2026-03-02T06:30:00.000Z',
    // Criterion keys, as the workflow sends them; the last is unknown to the process on purpose.
    missingCriteria: ['poc_passed', 'initiation_approved', 'retired_criterion'],
    noSponsorWarning: true,
    ...overrides,
  };
}

export function approvalFacts(overrides: Partial<ApprovalFacts> = {}): ApprovalFacts {
  return {
    id: `apr-${randomUUID().slice(0, 8)}`,
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    amount: 500000,
    reason: 'Customer needs budget approval before Q3',
    requestedById: randomUUID(),
    approverId: randomUUID(),
    requestedAt: '2026-03-01T01:00:00.000Z',
    status: 'pending',
    decidedById: null,
    comment: null,
    ...overrides,
  };
}

/** A row in the read model so confirmation pages have something to summarise. */
export async function createOpportunity(
  prisma: PrismaClient,
  ownerId: string,
  overrides: { id?: string; name?: string } = {},
): Promise<string> {
  const id = overrides.id ?? `opp-${randomUUID().slice(0, 8)}`;
  const now = new Date();
  await prisma.opportunity.create({
    data: {
      id,
      name: overrides.name ?? 'Smart Grid Phase II',
      account: 'Huadong Power',
      amount: '1234567.00',
      currency: 'CNY',
      ownerId,
      milestone: 'business_breakthrough',
      milestoneIndex: 5,
      probability: 75,
      status: 'open',
      stageEnteredAt: now,
      createdAt: now,
    },
  });
  return id;
}
