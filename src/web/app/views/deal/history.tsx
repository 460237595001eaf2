// The deal's journal, newest first, each event described from its typed payload.
import type { ComponentChildren } from 'preact';
import { formatDateTime } from '../../format';
import { i18n, t } from '../../i18n';
import { criterionLabel, label, milestoneName, userName, useSession, type Session } from '../../session';
import type { Deal, DealEvent } from '../../types';

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const known = (prefix: string, key: unknown): string => {
  const k = `${prefix}.${str(key)}`;
  return i18n.exists(k) ? t(k) : str(key);
};

function describe(session: Session, e: DealEvent): ComponentChildren {
  const p = e.payload ?? {};
  const ms = (key: unknown) => milestoneName(session.process, str(key) || null);
  const who = (id: unknown) => userName(session, str(id) || null);
  const sep = t('common.listSeparator');
  switch (e.type) {
    case 'milestone_reached':
      return `${ms(p.milestone)}${p.skipped ? ` (${t('history.skipped')})` : ''}`;
    case 'evidence_recorded':
      return (
        <>
          {ms(p.milestone)}:{' '}
          {(Array.isArray(p.criteriaMet) ? p.criteriaMet : [])
            .map((c) => criterionLabel(session.process, str(c)))
            .join(sep)}
          {p.evidence ? <blockquote>{str(p.evidence)}</blockquote> : null}
        </>
      );
    case 'activity_logged':
      return (
        <>
          {known('activityKind', p.kind)} · {formatDateTime(str(p.occurredAt))}
          {p.note ? <blockquote>{str(p.note)}</blockquote> : null}
        </>
      );
    case 'approval_requested':
      return `${known('approvalKind', p.kind)}${p.milestone ? ` — ${ms(p.milestone)}` : ''} → ${who(p.approverId)}${p.reason ? `: ${str(p.reason)}` : ''}`;
    case 'approval_decided':
      return `${known('approvalStatus', p.decision)}${p.comment ? `: ${str(p.comment)}` : ''}`;
    case 'escalation_sent':
    case 'escalation_skipped':
      return `${known('timerKind', p.kind)}${p.level ? ` L${str(p.level)}` : ''}${p.milestone ? ` — ${ms(p.milestone)}` : ''}${
        Array.isArray(p.recipientIds) && p.recipientIds.length > 0
          ? ` → ${p.recipientIds.map(who).join(sep)}`
          : ''
      }${p.reason ? `: ${str(p.reason)}` : ''}`;
    case 'notification_sent':
    case 'notification_possibly_duplicated':
      return `${known('notification', p.template)} → ${p.recipientId ? who(p.recipientId) : '—'}`;
    case 'notification_channel_failed': {
      // The IM channels that refused it for good before the mail went out (issue 13).
      const failures = Array.isArray(p.failures)
        ? (p.failures as { channel?: unknown; reason?: unknown }[])
        : [];
      const why = failures.map(
        (f) => `${known('channel', f.channel)} (${known('channelFailure', f.reason)})`,
      );
      return `${known('notification', p.template)} → ${p.recipientId ? who(p.recipientId) : '—'}: ${why.join(sep)}`;
    }
    case 'approval_rerouted':
      return `${who(p.fromApproverId)} → ${who(p.toApproverId)} (${known('rerouteReason', p.reason)})`;
    case 'approval_voided':
      return `${who(p.approverId)} (${known('rerouteReason', p.reason)})`;
    case 'sla_breached':
      return ms(p.milestone);
    case 'reporting_line_changed': {
      const chain = (ids: unknown) => (Array.isArray(ids) && ids.length > 0 ? ids.map(who).join(' → ') : '—');
      return `${chain(p.from)} ⇒ ${chain(p.to)}`;
    }
    case 'lost':
    case 'on_hold':
    case 'reopened':
      return str(p.reason);
    case 'checklist_ticked': {
      const process = session.process;
      const step =
        p.milestone === process.execution.key
          ? process.execution
          : process.milestones.find((m) => m.key === p.milestone);
      const item = step?.checklist.find((i) => i.key === p.item);
      return `${p.done ? '☑' : '☐'} ${item ? label(item.label) : str(p.item)}`;
    }
    case 'stakeholder_upserted':
      return `${str(p.name)} · ${known('stakeholderRole', p.role)} · ${known('stance', p.stance)}`;
    case 'fields_updated':
      return Object.entries((p.changes ?? {}) as Record<string, { from?: unknown; to?: unknown } | null>)
        .map(([k, v]) => `${known('fields', k)}: ${str(v?.from) || '—'} → ${str(v?.to) || '—'}`)
        .join(sep);
    default:
      return Object.entries(p)
        .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
        .map(([k, v]) => `${k}: ${str(v)}`)
        .join(' · ');
  }
}

export function HistoryCard({ deal }: { deal: Deal }) {
  const session = useSession();
  const events = [...deal.events].reverse();
  return (
    <section class="card" aria-labelledby="history-title">
      <h2 id="history-title">{t('deal.history')}</h2>
      <ol class="history" id="history">
        {events.map((e, i) => (
          <li key={i} data-type={e.type}>
            <div class="row">
              <strong>{known('event', e.type)}</strong>
              <span class="muted small">
                {' '}
                {formatDateTime(e.occurredAt)}
                {e.actorId ? ` · ${userName(session, e.actorId)}` : ''}
              </span>
            </div>
            <div class="event-body">{describe(session, e)}</div>
          </li>
        ))}
      </ol>
    </section>
  );
}
