// Who holds an account, as the caller may see it: the pool, me, a named person of my line, or "held
// by a colleague" when the API masks the holder.
import { userName, useSession } from '../../session';
import { tc } from '../../api/customers-i18n';

export const accountHref = (id: string): string => `#/accounts/${encodeURIComponent(id)}`;

export function OwnerCell({ ownerId, masked }: { ownerId: string | null; masked?: boolean }) {
  const session = useSession();
  if (!ownerId && !masked) return <span class="badge">{tc('owner.pool')}</span>;
  if (masked || !ownerId) return <span class="muted">{tc('owner.colleague')}</span>;
  if (ownerId === session.me.id) return <strong>{tc('owner.me')}</strong>;
  return <span>{userName(session, ownerId)}</span>;
}
