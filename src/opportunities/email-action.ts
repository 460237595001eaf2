// What a one-click email link does, as the user it was mailed to. The link id is the Update's
// idempotency key, so a retried click is applied once.
import type { PrismaClient } from '../db/prisma';
import { AppError } from '../errors/app-error';
import type { TLinkAction } from '../links';
import type { OpportunityClient } from './workflow-client';

export interface EmailActionInput {
  action: TLinkAction;
  /** Approval id for approve/reject; for acknowledge, the opportunity id (deal escalations) or the approval id (approval escalations). */
  subjectId: string;
  opportunityId: string;
  /** The user the link was mailed to, who is the one acting. */
  userId: string;
  /** The link's unique id: use it as the Update id so a retried action is applied once. */
  linkId: string;
}

export async function performEmailAction(
  deps: { prisma: PrismaClient; opportunities: OpportunityClient },
  input: EmailActionInput,
): Promise<void> {
  const user = await deps.prisma.user.findUnique({ where: { id: input.userId } });
  if (!user || !user.active)
    throw new AppError('FORBIDDEN', 'this link was issued to a user who can no longer act');
  const actor = { userId: user.id, role: user.role };
  switch (input.action) {
    case 'approve':
    case 'reject':
      await deps.opportunities.command(
        input.opportunityId,
        'decideApproval',
        {
          approvalId: input.subjectId,
          decision: input.action === 'approve' ? 'approved' : 'rejected',
          comment: 'via email link',
        },
        actor,
        `email-${input.linkId}`,
      );
      return;
    case 'acknowledge':
      await deps.opportunities.command(
        input.opportunityId,
        'acknowledgeEscalation',
        { subjectId: input.subjectId },
        actor,
        `email-${input.linkId}`,
      );
      return;
  }
}
