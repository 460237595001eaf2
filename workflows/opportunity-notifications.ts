// Queues emails. Nothing is sent here: the workflow's sender drains the outbox through the
// sendNotification activity and journals each email once it went out.

import type {
  ApprovalFacts,
  ClosingSummaryFacts,
  HandoverFacts,
  NotificationTemplate,
} from '../src/contracts/activities';
import type { ApprovalRecord, EscalationKind, OpportunityState } from './opportunity-types';
import { dealFacts } from './opportunity-state';

export interface QueuedNotification {
  /** Unique per email event: the email activity sends each key at most once. */
  key: string;
  template: NotificationTemplate;
  recipientUserId: string;
  /** 1 = manager level, 2 = director level; only for escalations. */
  level?: number;
  approval?: ApprovalRecord;
  handover?: HandoverFacts;
  closing?: ClosingSummaryFacts;
  escalationKind: EscalationKind | null;
}

export function approvalFacts(approval: ApprovalRecord): ApprovalFacts {
  return {
    id: approval.id,
    kind: approval.kind,
    milestone: approval.milestone,
    amount: approval.amount,
    reason: approval.reason,
    requestedById: approval.requestedById,
    approverId: approval.approverId,
    requestedAt: approval.requestedAt,
    status: approval.status,
    decidedById: approval.decidedById,
    comment: approval.comment,
  };
}

export function queueNotification(
  state: OpportunityState,
  now: number,
  notification: QueuedNotification,
): void {
  state.outbox.push({
    request: {
      key: notification.key,
      template: notification.template,
      recipientUserId: notification.recipientUserId,
      ...(notification.level === undefined ? {} : { level: notification.level }),
      deal: dealFacts(state, now),
      ...(notification.approval ? { approval: approvalFacts(notification.approval) } : {}),
      ...(notification.handover ? { handover: notification.handover } : {}),
      ...(notification.closing ? { closing: notification.closing } : {}),
    },
    escalationKind: notification.escalationKind,
  });
}
