// The two signed, single-use tokens an approval card's buttons carry: the same ActionTokens as
// the email links (issued to the card's recipient, for this approval, with the link TTL), so a
// click from the chat is judged by exactly the rules of a click in a mail.
import type { ActionLinks } from '../../links';
import type { CardAction, CardDecision } from './approval-card';

export async function issueCardTokens(
  links: ActionLinks,
  input: { approvalId: string; opportunityId: string; recipientUserId: string },
): Promise<Record<CardDecision, CardAction>> {
  const [approve, reject] = await Promise.all(
    (['approve', 'reject'] as const).map((action) =>
      links.issue({
        action,
        subjectId: input.approvalId,
        opportunityId: input.opportunityId,
        userId: input.recipientUserId,
      }),
    ),
  );
  return {
    approve: { token: approve!.token, url: approve!.url },
    reject: { token: reject!.token, url: reject!.url },
  };
}
