// The API's request contracts for opportunities. Field rules here are about shape (400);
// process rules (order, criteria, approvals, permissions) are the workflow's (422 / 403).
import { z } from '../contracts/zod';
import { INPUT_LIMITS } from '../contracts/input-rules';
import {
  zAmount,
  zCalendarDate,
  zDateTime,
  zKey,
  zName,
  zOptionalName,
  zOptionalText,
  zText,
  zUrl,
} from '../contracts/zod-fields';
import {
  ACTIVITY_KINDS,
  MILESTONE_KEYS,
  PSM_PROCESS,
  STAKEHOLDER_ROLES,
  STAKEHOLDER_STANCES,
} from '../../workflows/psm-process';
import { processVersions } from '../../workflows/process-versions';

// Every process version's milestones (issue 17): the deal's own version decides, in its workflow,
// whether the key is one of its milestones (a refusal with a code, never a 500).
const milestoneKeys = [
  ...new Set([
    ...MILESTONE_KEYS,
    ...processVersions().flatMap((v) => v.definition.milestones.map((m) => m.key)),
  ]),
] as [string, ...string[]];
const checklistStepKeys = [
  ...new Set([
    ...milestoneKeys,
    PSM_PROCESS.execution.key,
    ...processVersions().map((v) => v.definition.execution.key),
  ]),
] as [string, ...string[]];

export const ZMilestoneKeySchema = z.enum(milestoneKeys).openapi('MilestoneKey');

export const ZCreateOpportunitySchema = z
  .object({
    name: zName(),
    /** The customer by name (linked to the account of that normalised name, or a new one). */
    account: zName().optional(),
    /** The customer by id: an account on the deal owner's list; its name becomes the deal's. */
    accountId: zKey(100).optional(),
    amount: zAmount(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('CNY'),
    expectedCloseDate: zCalendarDate().nullable().optional(),
    /** Managers and admins may create a deal for someone in their line; reps create their own. */
    ownerId: z.uuid().optional(),
  })
  .strict()
  .refine((b) => (b.account === undefined) !== (b.accountId === undefined), {
    message: 'give either account (a name) or accountId',
    path: ['accountId'],
  })
  .openapi('CreateOpportunity');

export const ZCompleteMilestoneSchema = z
  .object({
    milestone: ZMilestoneKeySchema,
    criteriaMet: z.array(zKey(INPUT_LIMITS.key)).max(INPUT_LIMITS.criteriaMet),
    evidence: zText(INPUT_LIMITS.longText),
    links: z.array(zUrl()).max(INPUT_LIMITS.links).optional(),
  })
  .strict()
  .openapi('CompleteMilestone');

export const ZChecklistItemSchema = z.object({ done: z.boolean() }).strict().openapi('ChecklistItem');
export const ZChecklistParams = z.object({
  id: zKey(),
  milestone: z.enum(checklistStepKeys),
  item: zKey(INPUT_LIMITS.key),
});

export const ZLogActivitySchema = z
  .object({
    kind: z.enum(ACTIVITY_KINDS),
    occurredAt: zDateTime(),
    note: zText(INPUT_LIMITS.longText),
  })
  .strict()
  .openapi('LogActivity');

export const ZRequestApprovalSchema = z
  .object({
    kind: z.enum(['milestone_gate', 'skip_milestone', 'discount']),
    milestone: ZMilestoneKeySchema.optional(),
    amount: zAmount({ positive: true }).optional(),
    reason: zText(INPUT_LIMITS.shortText),
  })
  .strict()
  .openapi('RequestApproval');

export const ZDecideApprovalSchema = z
  .object({
    decision: z.enum(['approved', 'rejected']),
    comment: zOptionalText(INPUT_LIMITS.shortText).optional(),
  })
  .strict()
  .openapi('DecideApproval');

export const ZStakeholderSchema = z
  .object({
    id: zKey().optional(),
    name: zName(),
    title: zOptionalName().optional(),
    role: z.enum(STAKEHOLDER_ROLES),
    stance: z.enum(STAKEHOLDER_STANCES),
  })
  .strict()
  .openapi('Stakeholder');

export const ZUpdateDealSchema = z
  .object({
    amount: zAmount().optional(),
    expectedCloseDate: zCalendarDate().nullable().optional(),
    ownerId: z.uuid().optional(),
    name: zName().optional(),
    account: zName().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'at least one field')
  .openapi('UpdateDeal');

export const ZReasonSchema = z
  .object({ reason: zText(INPUT_LIMITS.shortText) })
  .strict()
  .openapi('Reason');
export const ZEmptySchema = z.object({}).strict();

export const ZIdParams = z.object({ id: zKey() });
export const ZApprovalParams = z.object({
  id: zKey(),
  approvalId: zKey(),
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
