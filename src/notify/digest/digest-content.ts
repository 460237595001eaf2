// What one person's morning digest says, from the read model: their deals due for a follow-up
// today (or overdue), deals (theirs, or their direct reports') within NEAR_SLA_DAYS of the
// milestone's stall SLA, approvals waiting for them, and customer claims about to lapse.
import type { PrismaClient } from '../../db/prisma';
import { resolveLocale, type TLocale } from '../../i18n/locales';
import { PSM_PROCESS } from '../../../workflows/psm-process';

/** "Nearing the SLA": this many days or fewer before a stage's stall SLA. */
export const NEAR_SLA_DAYS = 3;
/** Items listed per section; the rest are counted. */
export const DIGEST_SECTION_LIMIT = 10;

const DAY_MS = 86_400_000;

export interface DigestFollowUp {
  opportunityId: string;
  name: string;
  account: string;
  milestone: string;
  lastActivityAt: string | null;
}
export interface DigestNearSla {
  opportunityId: string;
  name: string;
  milestone: string;
  daysInStage: number;
  slaDays: number;
}
export interface DigestApproval {
  opportunityId: string;
  dealName: string;
  kind: string;
  milestone: string | null;
  requesterName: string;
  requestedAt: string;
}
/** A customer claim about to lapse (issue 11). */
export interface DigestClaim {
  account: string;
  lapsesAt: string;
}

export interface DigestContent {
  recipient: { id: string; name: string; email: string; locale: TLocale };
  date: string;
  followUps: DigestFollowUp[];
  nearSla: DigestNearSla[];
  approvals: DigestApproval[];
  claims: DigestClaim[];
}

/** YYYY-MM-DD of `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

const STEPS: ReadonlyMap<string, (typeof PSM_PROCESS.milestones)[number]> = new Map(
  PSM_PROCESS.milestones.map((m) => [m.key as string, m] as const),
);

/**
 * Customer claims about to lapse. Claims do not exist yet (issue 11, the customers issue, is not
 * built): this hook is where its query goes, and the section stays empty until then.
 */
export async function claimsAboutToLapse(
  _prisma: PrismaClient,
  _userId: string,
  _asOf: Date,
): Promise<DigestClaim[]> {
  return [];
}

export async function digestContent(
  prisma: PrismaClient,
  input: { recipientId: string; asOf: Date; timeZone: string },
): Promise<DigestContent | undefined> {
  const user = await prisma.user.findUnique({ where: { id: input.recipientId } });
  if (!user || !user.active) return undefined;
  const today = localDate(input.asOf, input.timeZone);
  const asOfMs = input.asOf.getTime();

  const [owned, team, approvals] = await Promise.all([
    prisma.opportunity.findMany({
      where: { ownerId: user.id, status: 'open' },
      orderBy: [{ lastActivityAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
    }),
    prisma.opportunity.findMany({
      where: { status: 'open', OR: [{ ownerId: user.id }, { owner: { managerId: user.id } }] },
      orderBy: [{ stageEnteredAt: 'asc' }, { id: 'asc' }],
    }),
    prisma.approval.findMany({
      where: { approverId: user.id, status: 'pending', opportunity: { status: { in: ['open', 'on_hold'] } } },
      include: { opportunity: { select: { name: true } } },
      orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
    }),
  ]);

  const followUps: DigestFollowUp[] = [];
  for (const deal of owned) {
    const cadence = STEPS.get(deal.milestone)?.followUpCadenceDays;
    if (!cadence) continue;
    const since = (deal.lastActivityAt ?? deal.stageEnteredAt).getTime();
    if (localDate(new Date(since + cadence * DAY_MS), input.timeZone) > today) continue;
    followUps.push({
      opportunityId: deal.id,
      name: deal.name,
      account: deal.account,
      milestone: deal.milestone,
      lastActivityAt: deal.lastActivityAt?.toISOString() ?? null,
    });
  }

  const nearSla: DigestNearSla[] = [];
  for (const deal of team) {
    const sla = STEPS.get(deal.milestone)?.stallSlaDays;
    if (!sla) continue;
    const days = Math.floor((asOfMs - deal.stageEnteredAt.getTime()) / DAY_MS);
    if (days < sla - NEAR_SLA_DAYS || days >= sla) continue;
    nearSla.push({
      opportunityId: deal.id,
      name: deal.name,
      milestone: deal.milestone,
      daysInStage: days,
      slaDays: sla,
    });
  }

  const requesterIds = [...new Set(approvals.map((a) => a.requestedById))];
  const requesters = await prisma.user.findMany({
    where: { id: { in: requesterIds } },
    select: { id: true, name: true },
  });
  const names = new Map(requesters.map((r) => [r.id, r.name]));

  return {
    recipient: { id: user.id, name: user.name, email: user.email, locale: resolveLocale(user.locale) },
    date: today,
    followUps,
    nearSla,
    approvals: approvals.map((a) => ({
      opportunityId: a.opportunityId,
      dealName: a.opportunity.name,
      kind: a.kind,
      milestone: a.milestone,
      requesterName: names.get(a.requestedById) ?? '',
      requestedAt: a.requestedAt.toISOString(),
    })),
    claims: await claimsAboutToLapse(prisma, user.id, input.asOf),
  };
}
