// The API's request contracts for opportunities. Field rules here are about shape (400);
// process rules (order, criteria, approvals, permissions) are the workflow's (422 / 403).
import { z } from '../contracts/zod';
import {
  ACTIVITY_KINDS,
  MILESTONE_KEYS,
  PSM_PROCESS,
  STAKEHOLDER_ROLES,
  STAKEHOLDER_STANCES,
} from '../../workflows/psm-process';

const milestoneKeys = MILESTONE_KEYS as unknown as [string, ...string[]];
const checklistStepKeys = [...MILESTONE_KEYS, PSM_PROCESS.execution.key] as unknown as [string, ...string[]];
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const text = (max: number) => z.string().trim().min(1).max(max);

export const ZMilestoneKeySchema = z.enum(milestoneKeys).openapi('MilestoneKey');

export const ZCreateOpportunitySchema = z
  .object({
    name: text(200),
    account: text(200),
    amount: z.number().nonnegative().max(1e13),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('CNY'),
    expectedCloseDate: isoDate.nullable().optional(),
    /** Managers and admins may create a deal for someone in their line; reps create their own. */
    ownerId: z.uuid().optional(),
  })
  .strict()
  .openapi('CreateOpportunity');

export const ZCompleteMilestoneSchema = z
  .object({
    milestone: ZMilestoneKeySchema,
    criteriaMet: z.array(z.string().min(1).max(100)).max(20),
    evidence: text(5000),
    links: z.array(z.url().max(2000)).max(20).optional(),
  })
  .strict()
  .openapi('CompleteMilestone');

export const ZChecklistItemSchema = z.object({ done: z.boolean() }).strict().openapi('ChecklistItem');
export const ZChecklistParams = z.object({
  id: z.string().min(1).max(100),
  milestone: z.enum(checklistStepKeys),
  item: z.string().min(1).max(100),
});

export const ZLogActivitySchema = z
  .object({
    kind: z.enum(ACTIVITY_KINDS),
    occurredAt: z.iso.datetime({ offset: true }),
    note: text(5000),
  })
  .strict()
  .openapi('LogActivity');

export const ZRequestApprovalSchema = z
  .object({
    kind: z.enum(['milestone_gate', 'skip_milestone', 'discount']),
    milestone: ZMilestoneKeySchema.optional(),
    amount: z.number().positive().max(1e13).optional(),
    reason: text(2000),
  })
  .strict()
  .openapi('RequestApproval');

export const ZDecideApprovalSchema = z
  .object({ decision: z.enum(['approved', 'rejected']), comment: z.string().trim().max(2000).optional() })
  .strict()
  .openapi('DecideApproval');

export const ZStakeholderSchema = z
  .object({
    id: z.string().min(1).max(100).optional(),
    name: text(200),
    title: z.string().trim().max(200).optional(),
    role: z.enum(STAKEHOLDER_ROLES),
    stance: z.enum(STAKEHOLDER_STANCES),
  })
  .strict()
  .openapi('Stakeholder');

export const ZUpdateDealSchema = z
  .object({
    amount: z.number().nonnegative().max(1e13).optional(),
    expectedCloseDate: isoDate.nullable().optional(),
    ownerId: z.uuid().optional(),
    name: text(200).optional(),
    account: text(200).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'at least one field')
  .openapi('UpdateDeal');

export const ZReasonSchema = z
  .object({ reason: text(2000) })
  .strict()
  .openapi('Reason');
export const ZEmptySchema = z.object({}).strict();

export const ZIdParams = z.object({ id: z.string().min(1).max(100) });
export const ZApprovalParams = z.object({
  id: z.string().min(1).max(100),
  approvalId: z.string().min(1).max(100),
});

export const ZListQuery = z.object({
  owner: z.uuid().optional(),
  milestone: ZMilestoneKeySchema.optional(),
  status: z.enum(['open', 'on_hold', 'won', 'lost']).optional(),
  stalled: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const ZCommandResultSchema = z
  .object({
    requestId: z.string(),
    command: z.string(),
    seq: z.number(),
    changed: z.boolean(),
    approvalId: z.string().optional(),
    stakeholderId: z.string().optional(),
  })
  .openapi('CommandResult');

export const ZOpportunityStateSchema = z.record(z.string(), z.unknown()).openapi('OpportunityState', {
  description:
    'The live state of the opportunity workflow (see workflows/opportunity-types.ts OpportunityState)',
});

export const ZOpportunityRowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    account: z.string(),
    amount: z.number(),
    currency: z.string(),
    ownerId: z.string(),
    milestone: z.string(),
    milestoneIndex: z.number(),
    probability: z.number(),
    status: z.string(),
    expectedCloseDate: z.string().nullable(),
    stageEnteredAt: z.string(),
    lastActivityAt: z.string().nullable(),
    escalationLevel: z.number(),
    stalled: z.boolean(),
    noSponsorWarning: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('OpportunityRow');
