// Who holds an account, as the caller may see it: the pool, me, a named person of my line, or "held
// by a colleague" when the API masks the holder (outside my line).
import { userName, useSession } from '../../session';
import type { AccountSummary } from '../../api/customers';
import { tc } from '../../api/customers-i18n';

export const accountHref = (id: string): string => `#/accounts/${encodeURIComponent(id)}`;

export function OwnerCell({
  account,
}: {
  account: Pick<AccountSummary, 'holder' | 'ownerId' | 'ownerName'>;
}) {
  const session = useSession();
  switch (account.holder) {
    case 'pool':
      return <span class="badge">{tc('owner.pool')}</span>;
    case 'you':
      return <strong>{tc('owner.me')}</strong>;
    case 'line':
      return <span>{account.ownerName ?? userName(session, account.ownerId)}</span>;
    default:
      return <span class="muted">{tc('owner.colleague')}</span>;
  }
}
