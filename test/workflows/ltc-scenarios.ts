// Sales projects the LTC way, scripted: a major deal with its team, kickoff plan, a stall the SR
// hears of, the win with its closing summary, a handover escalated while it waits, and the FR's
// acceptance. The LTC tests assert on them; record-histories.ts records them for the replay test.
// No jest here, so the recorder can run them as a plain script.

import { PSM_PROCESS, type MilestoneKey } from '../../workflows/psm-process';
import type { RecordProjectPlanCommand } from '../../workflows/opportunity-types';
import { ACTORS, USERS, type DealDriver, type Harness } from './helpers';
import { complete, completeThroughGate, logCall, requestGate } from './scenarios';

/** The SR and FR of the scripted deals (both active in the fake directory; the FR has another line). */
export const SR = { userId: USERS.teamRep, role: 'rep' } as const;
export const FR = { userId: USERS.otherRep, role: 'rep' } as const;

export const HANDOVER_DOCUMENTS = PSM_PROCESS.ltc.handover.documents.map((d) => d.key as string);

/** Local dates (UTC+8) `days` after the server's current time. */
export async function dateIn(h: Harness, days: number): Promise<string> {
  const now = await h.env.currentTimeMs();
  return new Date(now + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** A plan dating every milestone after project_initiation `step` days apart, from `from` days on. */
export async function planFor(
  h: Harness,
  from = 10,
  step = 10,
): Promise<Omit<RecordProjectPlanCommand, 'requestId' | 'actor'>> {
  const plannedDates: Partial<Record<MilestoneKey, string>> = {};
  const later = PSM_PROCESS.milestones.slice(1);
  for (const [i, milestone] of later.entries()) {
    plannedDates[milestone.key] = await dateIn(h, from + i * step);
  }
  return {
    plannedDates,
    decisionDate: await dateIn(h, from + (later.length - 2) * step),
    risks: [{ risk: 'Budget moved to next year', ownerId: USERS.rep, mitigation: 'Phase the delivery' }],
    competitors: ['Huawei', 'Inspur'],
    evidence: 'Kickoff meeting minutes: team, plan and risks agreed.',
  };
}

/** A ¥1.2M deal at project_initiation with its SR and FR named (the gate goes to the director). */
export async function teamDealAtInitiation(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({
    name: 'Ningbo port data platform',
    account: 'Ningbo Port Group',
    amount: 1_200_000,
  });
  await deal.command('assignTeamMember', ACTORS.rep, { userId: SR.userId, role: 'SR' });
  await deal.command('assignTeamMember', ACTORS.manager, { userId: FR.userId, role: 'FR' });
  const gate = await requestGate(deal);
  await deal.command('decideApproval', ACTORS.director, { approvalId: gate, decision: 'approved' });
  await complete(deal, 'project_initiation');
  return deal;
}

/**
 * The whole LTC path: team, plan, a stall at deep engagement (the SR is told too), the SR's
 * technical milestones, the win and closing summary, the handover left waiting until both
 * escalations went out, then accepted by the FR: the deal completes and the workflow ends.
 */
export async function ltcWonDealScenario(h: Harness): Promise<DealDriver> {
  const deal = await teamDealAtInitiation(h);
  await deal.command('recordProjectPlan', ACTORS.rep, await planFor(h));
  await h.advance('2d');
  await complete(deal, 'deep_engagement');
  // No progress for the stage's SLA: the manager and the SR hear of it.
  await h.advance(`${(PSM_PROCESS.milestones[1].stallSlaDays ?? 21) + 1}d`);
  await complete(deal, 'technical_breakthrough_1', SR);
  await deal.command('setChecklistItem', SR, {
    milestone: 'technical_breakthrough_2',
    item: 'run_demo_poc',
    done: true,
  });
  await complete(deal, 'technical_breakthrough_2', SR);
  await logCall(h, deal, 'PoC review with the evaluators.', SR);
  await completeThroughGate(deal, 'business_breakthrough');
  await completeThroughGate(deal, 'contract_signed');
  for (const item of PSM_PROCESS.execution.checklist) {
    if (item.key === PSM_PROCESS.ltc.handover.checklistItem) continue;
    await deal.command('setChecklistItem', ACTORS.rep, {
      milestone: 'contract_execution',
      item: item.key,
      done: true,
    });
  }
  const { escalateAfterDays, directorAfterDays } = PSM_PROCESS.ltc.handover;
  await h.advance(`${escalateAfterDays + directorAfterDays + 1}d`);
  await deal.command('acceptHandover', FR, { documents: HANDOVER_DOCUMENTS, note: 'All received.' });
  return deal;
}

/** A major deal (small amount, flagged) lost to a competitor, with lessons recorded. */
export async function ltcLostDealScenario(h: Harness): Promise<DealDriver> {
  const deal = await h.startDeal({
    name: 'Wenzhou hospital HIS',
    account: 'Wenzhou No.1 Hospital',
    amount: 300_000,
  });
  await deal.command('setMajorDeal', ACTORS.manager, {
    major: true,
    reason: 'Reference site for the region',
  });
  await deal.command('assignTeamMember', ACTORS.rep, { userId: SR.userId, role: 'SR' });
  const gate = await requestGate(deal);
  await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
  await complete(deal, 'project_initiation');
  await deal.command('recordProjectPlan', ACTORS.rep, await planFor(h, 5, 7));
  await h.advance('9d');
  await complete(deal, 'deep_engagement');
  await deal.command('markLost', ACTORS.rep, { reason: 'Price', competitor: 'Winning Health' });
  await deal.command('recordClosingLessons', SR, { lessons: 'Engage the evaluators before the tender.' });
  return deal;
}
