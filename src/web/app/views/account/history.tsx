// The account's owner history (every change of holder: who, from whom, to whom, why) and its
// journal (claims, sales actions, signals, funnel moves with their evidence), newest first.
import { formatDate, formatDateTime } from '../../format';
import { i18n } from '../../i18n';
import { userName, useSession } from '../../session';
import type { AccountEvent, OwnerChange } from '../../api/customers';
import { funnelStepName, signalName, tc } from '../../api/customers-i18n';

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const known = (prefix: string, key: string): string =>
  i18n.exists(`${prefix}.${key}`, { ns: 'customers-web' }) ? tc(`${prefix}.${key}`) : key;

export function OwnerHistoryCard({ changes }: { changes: OwnerChange[] | null }) {
  const session = useSession();
  const who = (id: string | null) => (id ? userName(session, id) : tc('owner.pool'));
  const rows = [...(changes ?? [])].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return (
    <section class="card" aria-labelledby="owners-title">
      <h2 id="owners-title">{tc('account.ownerHistory')}</h2>
      {changes === null ? (
        <p class="muted">{tc('account.unavailable')}</p>
      ) : rows.length === 0 ? (
        <p class="muted">{tc('account.noOwnerHistory')}</p>
      ) : (
        <ol class="history" id="owner-history">
          {rows.map((c, i) => (
            <li key={`${c.at}:${i}`} data-reason={c.reason}>
              <div>
                <strong>{known('reason', c.reason)}</strong>: {who(c.fromUserId)} → {who(c.toUserId)}
              </div>
              <div class="muted small">
                {formatDateTime(c.at)}
                {c.actorId ? ` · ${tc('account.by', { name: userName(session, c.actorId) })}` : ''}
              </div>
              {c.note ? <blockquote>{c.note}</blockquote> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function JournalCard({ events }: { events: AccountEvent[] | null }) {
  const session = useSession();
  const rows = [...(events ?? [])].sort((a, b) => b.seq - a.seq);
  const who = (id: unknown) => (id ? userName(session, str(id)) : tc('owner.pool'));
  // The account workflow's event types (workflows/account-types.ts AccountEventType).
  const describe = (e: AccountEvent): string => {
    const d = e.data ?? {};
    switch (e.type) {
      case 'owner_changed':
        return `${known('reason', str(d.reason))}: ${who(d.from)} → ${who(d.to)}`;
      case 'funnel_moved':
      case 'step_changed':
        return `${funnelStepName(session.process, str(d.from))} → ${funnelStepName(session.process, str(d.to))}`;
      case 'sales_action':
        return [
          known('actionType', str(d.kind)),
          d.lapsesAt ? tc('journal.lapsesOn', { date: formatDate(str(d.lapsesAt)) }) : '',
        ]
          .filter(Boolean)
          .join(' · ');
      case 'business_signal':
        return signalName(session.process, str(d.signal));
      case 'protection_changed':
        return tc(d.protected ? 'journal.protected' : 'journal.unprotected');
      case 'claim_warned':
        return tc('journal.lapsesOn', { date: formatDate(str(d.lapsesAt)) });
      default:
        return '';
    }
  };
  return (
    <section class="card" aria-labelledby="journal-title">
      <h2 id="journal-title">{tc('account.journal')}</h2>
      {events === null ? (
        <p class="muted">{tc('account.unavailable')}</p>
      ) : rows.length === 0 ? (
        <p class="muted">{tc('account.noJournal')}</p>
      ) : (
        <ol class="history" id="account-journal">
          {rows.map((e) => {
            const evidence = e.data?.evidence;
            const note = str(e.data?.note ?? (typeof evidence === 'string' ? evidence : ''));
            return (
              <li key={e.seq} data-type={e.type}>
                <div>
                  <strong>{known('event', e.type)}</strong> {describe(e)}
                </div>
                <div class="muted small">
                  {formatDateTime(e.at)}
                  {e.actorId ? ` · ${tc('account.by', { name: userName(session, e.actorId) })}` : ''}
                </div>
                {note ? <blockquote>{note}</blockquote> : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
