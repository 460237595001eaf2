// The facts of an approval card, re-read from the read model (for the card that replaces the
// clicked one). Undefined when the read model does not know the deal or the approval yet.
import type { PrismaClient } from '../../db/prisma';
import type { TLocale } from '../../i18n/locales';
import type { ApprovalCardFacts } from './approval-card';

const DAY_MS = 86_400_000;

export async function loadCardFacts(
  prisma: PrismaClient,
  link: { opportunityId: string; subjectId: string },
  locale: TLocale,
  dealUrl: string,
): Promise<ApprovalCardFacts | undefined> {
  const [deal, approval] = await Promise.all([
    prisma.opportunity.findUnique({ where: { id: link.opportunityId } }),
    prisma.approval.findUnique({ where: { id: link.subjectId } }),
  ]);
  if (!deal || !approval || approval.opportunityId !== deal.id) return undefined;
  const people = await prisma.user.findMany({
    where: { id: { in: [approval.requestedById, approval.approverId] } },
    select: { id: true, name: true },
  });
  return {
    template: 'approval_request',
    locale,
    timeZone: 'Asia/Shanghai',
    deal: {
      opportunityId: deal.id,
      name: deal.name,
      account: deal.account,
      amount: Number(deal.amount.toString()),
      currency: deal.currency,
      ownerId: deal.ownerId,
      milestone: deal.milestone,
      milestoneIndex: deal.milestoneIndex,
      daysInStage: Math.floor((Date.now() - deal.stageEnteredAt.getTime()) / DAY_MS),
      lastActivityAt: deal.lastActivityAt?.toISOString() ?? null,
      missingCriteria: [],
      noSponsorWarning: deal.noSponsorWarning,
    },
    approval: {
      id: approval.id,
      kind: approval.kind as ApprovalCardFacts['approval']['kind'],
      milestone: approval.milestone,
      amount: approval.amount === null ? null : Number(approval.amount.toString()),
      reason: approval.reason,
      requestedById: approval.requestedById,
      approverId: approval.approverId,
      requestedAt: approval.requestedAt.toISOString(),
      status: approval.status,
      decidedById: approval.decidedById,
      comment: approval.comment,
    },
    people: Object.fromEntries(people.map((p) => [p.id, p.name])),
    dealUrl,
    cardId: '',
  };
}
