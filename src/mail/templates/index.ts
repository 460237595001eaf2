// The one entry point: which template renders a notification, and which one-click actions it carries.
import type { NotificationTemplate } from '../../contracts/activities';
import { approvalEscalation } from './approval-escalation';
import { approvalReminder } from './approval-reminder';
import { approvalRequest } from './approval-request';
import { closingSummary } from './closing-summary';
import { contractWindowEscalation } from './contract-window-escalation';
import { decisionNotice } from './decision-notice';
import { followUpReminder } from './follow-up-reminder';
import { handoverEscalation } from './handover-escalation';
import { handoverRequest } from './handover-request';
import { renderLayout } from './layout';
import { stallEscalation } from './stall-escalation';
import type { MailBody, MailContext, RenderedMail, TMailAction } from './types';

export type { MailBody, MailContext, RenderedMail, TMailAction } from './types';

const TEMPLATES: Record<NotificationTemplate, (ctx: MailContext) => MailBody> = {
  follow_up_reminder: followUpReminder,
  stall_escalation: stallEscalation,
  approval_request: approvalRequest,
  approval_reminder: approvalReminder,
  approval_escalation: approvalEscalation,
  decision_notice: decisionNotice,
  contract_window_escalation: contractWindowEscalation,
  handover_request: handoverRequest,
  handover_escalation: handoverEscalation,
  closing_summary: closingSummary,
};

/**
 * Approve/reject go only to the approver; escalation recipients acknowledge. The acknowledge
 * subject is the approval id for approval escalations and the opportunity id otherwise.
 */
const ACTIONS: Record<NotificationTemplate, { actions: TMailAction[]; subject: 'approval' | 'deal' }> = {
  follow_up_reminder: { actions: [], subject: 'deal' },
  stall_escalation: { actions: ['acknowledge'], subject: 'deal' },
  approval_request: { actions: ['approve', 'reject'], subject: 'approval' },
  approval_reminder: { actions: ['approve', 'reject'], subject: 'approval' },
  approval_escalation: { actions: ['acknowledge'], subject: 'approval' },
  decision_notice: { actions: [], subject: 'deal' },
  contract_window_escalation: { actions: ['acknowledge'], subject: 'deal' },
  handover_request: { actions: [], subject: 'deal' },
  handover_escalation: { actions: ['acknowledge'], subject: 'deal' },
  closing_summary: { actions: [], subject: 'deal' },
};

export function actionsFor(template: NotificationTemplate): {
  actions: TMailAction[];
  subject: 'approval' | 'deal';
} {
  return ACTIONS[template];
}

export function renderNotification(ctx: MailContext): RenderedMail {
  return renderLayout(ctx, TEMPLATES[ctx.template](ctx));
}

/** The template's own words (subject, heading, sentences) without the mail layout: IM messages use them. */
export function notificationBody(ctx: MailContext): MailBody {
  return TEMPLATES[ctx.template](ctx);
}
