// Sales projects the LTC way (seed 003), for runs with rules.ltc: the closing summary
// (《销售项目总结报告》) written and mailed when a deal is won or lost, and the handover (交底会) a
// won deal waits on until the delivery side accepts it. Deterministic: time is passed in.

import type { ClosingSummaryFacts } from '../src/contracts/activities';
import type { HandoverState, OpportunityState } from './opportunity-types';
import { appendEvent, iso } from './opportunity-state';
import { queueNotification } from './opportunity-notifications';
import {
  buildClosingSummary,
  handoverAcceptor,
  handoverFacts,
  isProjectDeal,
  teamOf,
} from './opportunity-ltc-facts';

/** Everyone the closing summary goes to: the team, the owner, and the owner's manager. */
function closingRecipients(state: OpportunityState): string[] {
  const ids = [state.ownerId, ...teamOf(state).map((m) => m.userId)];
  const manager = state.reportingLine?.managerId ?? null;
  if (manager !== null) ids.push(manager);
  return [...new Set(ids)];
}

/**
 * The deal was won or lost: write the closing summary (mailed for a sales project; every deal's is
 * kept and served by the API); a win opens the handover.
 */
export function closeProject(state: OpportunityState, now: number, actorId: string): void {
  const summary = buildClosingSummary(state, now);
  state.closing = summary;
  appendEvent(state, now, 'closing_summary_recorded', actorId, { outcome: summary.outcome });
  const visit = state.stageVisit;
  const recipients = isProjectDeal(state) ? closingRecipients(state) : [];
  for (const recipientUserId of recipients) {
    queueNotification(state, now, {
      key: `${state.id}:closing:${summary.outcome}:v${visit}:${recipientUserId}`,
      template: 'closing_summary',
      recipientUserId,
      closing: summary as ClosingSummaryFacts,
      escalationKind: null,
    });
  }
  if (summary.outcome === 'won') openHandover(state, now, actorId);
}

function openHandover(state: OpportunityState, now: number, actorId: string): void {
  const acceptor = handoverAcceptor(state);
  const mode = acceptor || isProjectDeal(state) ? 'acceptance' : 'checklist';
  const handover: HandoverState = {
    status: 'pending',
    mode,
    openedAt: iso(now),
    anchor: iso(now),
    level: 0,
    acceptedAt: null,
    acceptedById: null,
    documents: [],
    note: null,
  };
  state.handover = handover;
  appendEvent(state, now, 'handover_requested', actorId, { acceptorId: acceptor?.userId ?? null, mode });
  if (mode === 'checklist') return;
  // Nobody named to accept yet: the owner is asked to name the FR or a delivery owner.
  queueNotification(state, now, {
    key: `${state.id}:handover:request`,
    template: 'handover_request',
    recipientUserId: acceptor?.userId ?? state.ownerId,
    handover: handoverFacts(state, now),
    escalationKind: null,
  });
}
