// What the confirmation page shows about the deal and approval a link acts on, read from the
// read model. Best effort: a projection that lags behind must not block the action.
import type { PrismaClient } from '../db/prisma';
import { formatAmount, type TMailLocale } from '../mail/locale';
import { milestoneName } from '../mail/milestones';
import type { TLinkPayload } from './token';

export interface LinkSummary {
  opportunityId: string;
  /** Raw status from the read model, when the link is about an approval it already knows. */
  approvalStatus?: 'pending' | 'approved' | 'rejected' | 'cancelled';
  deal?: { name: string; account: string; amount: string; stage: string };
  approval?: {
    kind: string;
    milestone: string | null;
    amount: string | null;
    reason: string | null;
    status: string;
  };
}

export async function loadLinkSummary(
  prisma: PrismaClient,
  payload: TLinkPayload,
  locale: TMailLocale,
): Promise<LinkSummary> {
  const isApproval = payload.action !== 'acknowledge' || payload.subjectId !== payload.opportunityId;
  const [deal, approval] = await Promise.all([
    prisma.opportunity.findUnique({ where: { id: payload.opportunityId } }),
    isApproval ? prisma.approval.findUnique({ where: { id: payload.subjectId } }) : Promise.resolve(null),
  ]);
  const currency = deal?.currency ?? 'CNY';
  return {
    opportunityId: payload.opportunityId,
    approvalStatus:
      approval && approval.opportunityId === payload.opportunityId ? approval.status : undefined,
    deal: deal
      ? {
          name: deal.name,
          account: deal.account,
          amount: formatAmount(Number(deal.amount.toString()), deal.currency, locale),
          stage: milestoneName(deal.milestone, locale),
        }
      : undefined,
    approval:
      approval && approval.opportunityId === payload.opportunityId
        ? {
            kind: approval.kind,
            milestone: approval.milestone ? milestoneName(approval.milestone, locale) : null,
            amount: approval.amount
              ? formatAmount(Number(approval.amount.toString()), currency, locale)
              : null,
            reason: approval.reason,
            status: approval.status,
          }
        : undefined,
  };
}
