// On a fresh install: a demo organisation (director, two managers, four reps, an admin), a
// password (to sign in to the page) and an API token (for scripts) each, printed once, and a
// handful of deals at different milestones, driven through the real workflows the same way a rep
// and manager would.
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../db/prisma';
import type { Logger } from '../logger';
import { issueApiToken } from '../auth/api-tokens';
import { generatePassword } from '../auth/generated-password';
import { hashPassword } from '../auth/passwords';
import { toDbLocale } from '../users/users';
import { createCommandProjector } from '../opportunities/command-projection';
import { createOpportunityClient, type OpportunityClient } from '../opportunities/workflow-client';
import { PSM_PROCESS, type MilestoneKey } from '../../workflows/psm-process';
import { DEMO_USERS, type DemoUserKey } from './org';

const DEMO_DEALS: { name: string; account: string; amount: number; owner: DemoUserKey; reach: number }[] = [
  {
    name: '智慧园区一期 Smart campus phase 1',
    account: '华东电网 East China Grid',
    amount: 1_200_000,
    owner: 'repZhang',
    reach: 0,
  },
  {
    name: 'ERP 升级 ERP upgrade',
    account: '恒丰制造 Hengfeng Manufacturing',
    amount: 680_000,
    owner: 'repZhang',
    reach: 2,
  },
  {
    name: '数据中台 Data platform',
    account: '江南银行 Jiangnan Bank',
    amount: 3_500_000,
    owner: 'repLiu',
    reach: 4,
  },
  { name: 'CRM rollout', account: 'Pacific Logistics', amount: 450_000, owner: 'repSmith', reach: 1 },
  {
    name: '安防改造 Security retrofit',
    account: '西部机场 Western Airport',
    amount: 2_100_000,
    owner: 'repZhao',
    reach: 3,
  },
  {
    name: 'Warehouse automation',
    account: 'Northwind Retail',
    amount: 900_000,
    owner: 'repSmith',
    reach: -1,
  },
];

/**
 * The n-th demo deal's id (1-based): `opp-` and 32 hex digits, the shape every deal id has, so the
 * API's id check accepts demo deals like any other (a `demo-N` id was listed by the board but every
 * /api/opportunities/demo-N route answered 404).
 */
export function demoOpportunityId(n: number): string {
  return `opp-${createHash('sha256').update(`psm-demo\0${n}`).digest('hex').slice(0, 32)}`;
}

/** A demo kickoff plan: the milestones after `from` two weeks apart, from today (local dates). */
function demoPlan(from: number, ownerId: string) {
  const day = (weeks: number) =>
    new Date(Date.now() + 8 * 3_600_000 + weeks * 14 * 86_400_000).toISOString().slice(0, 10);
  const later = PSM_PROCESS.milestones.slice(from + 1);
  return {
    plannedDates: Object.fromEntries(later.map((m, i) => [m.key, day(i + 1)])),
    decisionDate: day(later.length),
    risks: [
      {
        risk: 'Budget approval may slip to next quarter',
        ownerId,
        mitigation: 'Phase the delivery; agree a first-phase scope with the sponsor',
      },
    ],
    competitors: ['Huawei', 'Inspur'],
    evidence: 'Demo: kickoff meeting minutes (team, plan, risks and competitors agreed)',
  };
}

async function advanceTo(
  opportunities: OpportunityClient,
  id: string,
  reach: number,
  amount: number,
  rep: { userId: string; role: 'rep' },
  approver: { userId: string; role: 'manager' | 'director' },
): Promise<void> {
  for (let i = 0; i <= reach; i++) {
    const m = PSM_PROCESS.milestones[i]!;
    const key = m.key as MilestoneKey;
    if (m.approvalGate) {
      const requested = await opportunities.command(
        id,
        'requestApproval',
        { kind: 'milestone_gate', milestone: key, reason: 'Demo: initiation application' },
        rep,
        `demo-${id}-req-${i}`,
      );
      await opportunities.command(
        id,
        'decideApproval',
        { approvalId: requested.approvalId!, decision: 'approved', comment: 'Demo approval' },
        approver,
        `demo-${id}-dec-${i}`,
      );
    }
    const criteriaMet = m.rule === 'all' ? m.criteria.map((c) => c.key) : [m.criteria[0]!.key];
    await opportunities.command(
      id,
      'completeMilestone',
      { milestone: key, criteriaMet, evidence: `Demo evidence for ${m.name.en}` },
      rep,
      `demo-${id}-ms-${i}`,
    );
    // A large deal records its kickoff plan after initiation before it moves on (sales projects).
    if (key === PSM_PROCESS.ltc.kickoff.afterMilestone && amount >= PSM_PROCESS.ltc.kickoff.fromAmount) {
      await opportunities.command(id, 'recordProjectPlan', demoPlan(i, rep.userId), rep, `demo-${id}-plan`);
    }
  }
}

/**
 * The demo people, each with a generated password and an API token, and the lines that show
 * them (the only place either is ever shown: only hashes are stored).
 */
export async function createDemoPeople(
  prisma: PrismaClient,
): Promise<{ ids: Map<DemoUserKey, string>; lines: string[] }> {
  const ids = new Map<DemoUserKey, string>();
  const lines: string[] = [
    '',
    'Demo organisation created. Passwords (sign in to the page) and API tokens (scripts), shown once; store them now:',
  ];
  for (const u of DEMO_USERS) {
    const password = generatePassword();
    const created = await prisma.user.create({
      data: {
        name: u.name,
        email: u.email,
        role: u.role,
        locale: toDbLocale(u.locale),
        managerId: u.manager ? ids.get(u.manager)! : null,
        passwordHash: await hashPassword(password),
        passwordChangedAt: new Date(),
      },
    });
    ids.set(u.key, created.id);
    const token = await issueApiToken(prisma, { userId: created.id, label: 'demo', ttlDays: 365 });
    lines.push(`  ${u.role.padEnd(9)} ${u.email.padEnd(26)} ${password}  ${token.token}`);
  }
  lines.push('');
  return { ids, lines };
}

export async function seedDemo(opts: {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  logger: Logger;
  print: (line: string) => void;
}): Promise<void> {
  const { prisma } = opts;
  if ((await prisma.user.count()) > 0) {
    opts.logger.info('users exist: demo organisation not created');
    return;
  }
  const { ids, lines } = await createDemoPeople(prisma);
  for (const l of lines) opts.print(l);

  const opportunities = createOpportunityClient({
    client: opts.client,
    taskQueue: opts.taskQueue,
    timeoutMs: 30_000,
    projector: createCommandProjector({ prisma, client: opts.client, timeoutMs: 30_000 }),
    awaitProjection: true,
  });
  for (const [n, deal] of DEMO_DEALS.entries()) {
    const owner = DEMO_USERS.find((u) => u.key === deal.owner)!;
    const ownerId = ids.get(deal.owner)!;
    const managerId = ids.get(owner.manager as DemoUserKey)!;
    const id = demoOpportunityId(n + 1);
    await opportunities.start({
      id,
      name: deal.name,
      account: deal.account,
      amount: deal.amount,
      currency: 'CNY',
      ownerId,
      expectedCloseDate: null,
      createdBy: { userId: ownerId, role: 'rep' },
    });
    // Large deals are approved by the director, as the process definition says.
    const approver =
      deal.amount >= PSM_PROCESS.approvals.directorFromAmount
        ? { userId: ids.get('director')!, role: 'director' as const }
        : { userId: managerId, role: 'manager' as const };
    await advanceTo(opportunities, id, deal.reach, deal.amount, { userId: ownerId, role: 'rep' }, approver);
  }
  opts.logger.info({ deals: DEMO_DEALS.length }, 'demo deals created');
}
