// Parses what a workflow hands the email activity. A request that fails here can never succeed,
// so the activity turns it into a non-retryable failure instead of retrying forever.
import { z } from 'zod';
import type {
  ApprovalFacts,
  DealFacts,
  NotificationRequest,
  NotificationTemplate,
} from '../src/contracts/activities';

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date');
// The key ends up in a mail header and a unique index: printable, bounded.
const key = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const ZNotificationTemplateSchema = z.enum([
  'follow_up_reminder',
  'stall_escalation',
  'approval_request',
  'approval_reminder',
  'approval_escalation',
  'decision_notice',
  'contract_window_escalation',
  'handover_request',
  'handover_escalation',
  'closing_summary',
]) satisfies z.ZodType<NotificationTemplate>;

export const ZDealFactsSchema = z.object({
  opportunityId: z.string().min(1),
  name: z.string(),
  account: z.string(),
  amount: z.number().finite(),
  currency: z.string().min(1),
  ownerId: z.string(),
  milestone: z.string().min(1),
  milestoneIndex: z.number().int(),
  daysInStage: z.number().int().nonnegative(),
  lastActivityAt: isoDate.nullable(),
  missingCriteria: z.array(z.string()),
  noSponsorWarning: z.boolean(),
}) satisfies z.ZodType<DealFacts>;

export const ZApprovalFactsSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['milestone_gate', 'skip_milestone', 'discount']),
  milestone: z.string().nullable(),
  amount: z.number().finite().nullable(),
  reason: z.string().nullable(),
  requestedById: z.string(),
  approverId: z.string(),
  requestedAt: isoDate,
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']),
  decidedById: z.string().nullable(),
  comment: z.string().nullable(),
}) satisfies z.ZodType<ApprovalFacts>;

const ZHandoverFactsSchema = z.object({
  acceptorId: z.string().nullable(),
  documents: z.array(z.string()),
  waitingDays: z.number().int().nonnegative(),
});

const ZPlanRowSchema = z.object({
  milestone: z.string(),
  plannedDate: z.string().nullable(),
  actualDate: z.string().nullable(),
  skipped: z.boolean(),
  slippageDays: z.number().int().nullable(),
});

const ZClosingSummaryFactsSchema = z.object({
  outcome: z.enum(['won', 'lost']),
  createdAt: isoDate,
  closedAt: isoDate,
  durationDays: z.number().int().nonnegative(),
  timeline: z.array(ZPlanRowSchema),
  decisionDate: z.object({ planned: z.string().nullable(), actual: z.string() }),
  lostReason: z.string().nullable(),
  competitor: z.string().nullable(),
  competitors: z.array(z.string()),
  risks: z.array(z.object({ risk: z.string(), ownerId: z.string(), mitigation: z.string() })),
  team: z.array(z.object({ userId: z.string(), role: z.string() })),
  lessons: z.string().nullable(),
  lessonsById: z.string().nullable(),
});

const NEEDS_APPROVAL: ReadonlySet<NotificationTemplate> = new Set([
  'approval_request',
  'approval_reminder',
  'approval_escalation',
  'decision_notice',
]);

export const ZNotificationRequestSchema = z
  .object({
    key,
    template: ZNotificationTemplateSchema,
    recipientUserId: z.string().min(1),
    level: z.number().int().min(1).max(9).optional(),
    deal: ZDealFactsSchema,
    approval: ZApprovalFactsSchema.optional(),
    handover: ZHandoverFactsSchema.optional(),
    closing: ZClosingSummaryFactsSchema.optional(),
  })
  .refine((r) => !NEEDS_APPROVAL.has(r.template) || r.approval !== undefined, {
    message: 'this template needs the approval facts',
    path: ['approval'],
  }) satisfies z.ZodType<NotificationRequest>;
