// Contracts of the sales-project reports (issue 14): plan vs actual per deal and per team
// (slippage days per milestone), the deal team's load (deals per SR/FR), and handovers waiting.
import { z } from '../../contracts/zod';
import { zCalendarDate } from '../../contracts/zod-fields';
import { ZWeeklyViewSchema } from '../dashboard-schemas';

export const ZProjectReportQuerySchema = z
  .object({
    team: z.uuid().optional().openapi({
      description: "A manager's (or director's) id: deals owned in that person's reporting line.",
    }),
    rep: z.uuid().optional().openapi({ description: 'Deals owned by one rep.' }),
    asOf: zCalendarDate()
      .optional()
      .openapi({ description: 'The day (team calendar) overdue milestones are measured to; default today.' }),
  })
  .strict();
export type TProjectReportQuery = z.infer<typeof ZProjectReportQuerySchema>;

const ZScope = z.object({
  team: z.string().nullable(),
  rep: z.string().nullable(),
  userCount: z.number().nullable(),
});

/** not_reached: the deal closed (lost) before reaching it. */
export const MILESTONE_PLAN_STATUSES = [
  'early',
  'on_time',
  'late',
  'overdue',
  'upcoming',
  'not_reached',
] as const;

export const ZMilestoneSlippageSchema = z
  .object({
    milestone: z.string(),
    milestoneIndex: z.number().int(),
    plannedDate: z.string().openapi({ format: 'date' }),
    actualDate: z.string().nullable().openapi({ format: 'date' }),
    /**
     * Reached: actual − planned in days (positive = late). Not reached and past its planned date:
     * days late so far as of `asOf`. Not reached and not due yet: null.
     */
    slippageDays: z.number().int().nullable(),
    status: z.enum(MILESTONE_PLAN_STATUSES),
  })
  .openapi('MilestoneSlippage');

export const ZDealPlanVsActualSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    account: z.string(),
    ownerId: z.string(),
    ownerName: z.string(),
    status: z.string(),
    milestones: z.array(ZMilestoneSlippageSchema),
    /** The largest slippage of any milestone (reached or overdue); 0 when none is late. */
    worstSlippageDays: z.number().int(),
  })
  .openapi('DealPlanVsActual');

export const ZTeamMilestoneSlippageSchema = z
  .object({
    milestone: z.string(),
    milestoneIndex: z.number().int(),
    /** Deals with a planned date for this milestone. */
    planned: z.number().int(),
    reached: z.number().int(),
    late: z.number().int(),
    overdue: z.number().int(),
    /** Sum and mean of slippage days over the deals that reached it or are overdue on it. */
    totalSlippageDays: z.number().int(),
    averageSlippageDays: z.number().nullable(),
  })
  .openapi('TeamMilestoneSlippage');

export const ZPlanVsActualReportSchema = z
  .object({
    asOf: z.string().openapi({ format: 'date' }),
    scope: ZScope,
    deals: z.array(ZDealPlanVsActualSchema),
    team: z.array(ZTeamMilestoneSlippageSchema),
  })
  .openapi('PlanVsActualReport');
export type TPlanVsActualReport = z.infer<typeof ZPlanVsActualReportSchema>;

export const ZTeamLoadRowSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    /** Open (or on-hold) deals in scope where this person is the solution owner (SR). */
    sr: z.number().int(),
    /** Open deals, and won deals whose handover is not accepted yet, where this person is the fulfilment owner (FR). */
    fr: z.number().int(),
    total: z.number().int(),
  })
  .openapi('TeamLoadRow');

export const ZTeamLoadReportSchema = z
  .object({ scope: ZScope, people: z.array(ZTeamLoadRowSchema) })
  .openapi('TeamLoadReport');
export type TTeamLoadReport = z.infer<typeof ZTeamLoadReportSchema>;

export const ZHandoverWaitingSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    account: z.string(),
    ownerId: z.string(),
    /** Who accepts it: the delivery owner when named, else the FR; null when nobody is. */
    acceptorId: z.string().nullable(),
    wonAt: z.string().nullable(),
    handoverDueAt: z.string().nullable(),
    /** Whole days since the deal was won, as of `asOf`'s end. */
    waitingDays: z.number().int(),
    overdue: z.boolean(),
  })
  .openapi('HandoverWaiting');

export const ZHandoversWaitingReportSchema = z
  .object({ asOf: z.string(), scope: ZScope, handovers: z.array(ZHandoverWaitingSchema) })
  .openapi('HandoversWaitingReport');
export type THandoversWaitingReport = z.infer<typeof ZHandoversWaitingReportSchema>;

export const ZProjectReportViewQuerySchema = z
  .object({
    week: z
      .string()
      .regex(/^\d{4}-W\d{2}$/)
      .optional()
      .openapi({
        description: 'ISO week (e.g. 2026-W47); the last complete week when absent.',
        example: '2026-W47',
      }),
    locale: z
      .enum(['zh-CN', 'en'])
      .optional()
      .openapi({ description: "Default: the caller's stored locale." }),
  })
  .strict();

export const ZProjectReportViewSchema = z
  .object({
    opportunityId: z.string(),
    isoWeek: z.string(),
    from: z.string(),
    to: z.string(),
    content: ZWeeklyViewSchema.shape.content,
  })
  .openapi('ProjectReportView');
export type TProjectReportView = z.infer<typeof ZProjectReportViewSchema>;
