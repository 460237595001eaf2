// The reports' contracts: query parsing and the response shapes the OpenAPI document shows.
import { z } from '../contracts/zod';
import { zDateOrDateTime } from '../contracts/zod-fields';

/** A day on the team calendar (YYYY-MM-DD) or an ISO date-time with offset, on the real calendar. */
const bound = zDateOrDateTime();

export const ZReportQuerySchema = z
  .object({
    from: bound.openapi({ description: 'Start of the period (inclusive).', example: '2026-01-01' }),
    to: bound.openapi({
      description: 'End of the period; a date-only value includes that whole day.',
      example: '2026-03-31',
    }),
    team: z
      .uuid()
      .optional()
      .openapi({ description: "A manager's (or director's) id: that person's whole reporting line." }),
    rep: z.uuid().optional().openapi({ description: 'One rep.' }),
  })
  .strict();
export type TReportQuery = z.infer<typeof ZReportQuerySchema>;

export const ZBottleneckQuerySchema = ZReportQuerySchema.extend({
  marginPct: z.coerce
    .number()
    .min(0)
    .max(100)
    .default(20)
    .openapi({ description: 'Flag a rep this many percentage points below the team.' }),
  minSample: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(5)
    .openapi({ description: 'Deals a rep must have reached a milestone with before being judged on it.' }),
}).strict();
export type TBottleneckQuery = z.infer<typeof ZBottleneckQuerySchema>;

const ZName = z.object({ zh: z.string(), en: z.string() });
const ZPeriod = z.object({ from: z.string(), to: z.string() });
const ZMoney = z.object({ count: z.number(), amount: z.number() });
const ZWeighted = ZMoney.extend({ weighted: z.number() });

export const ZScopeSchema = z
  .object({
    team: z.string().nullable(),
    rep: z.string().nullable(),
    /** Null: the whole company. */
    userCount: z.number().nullable(),
  })
  .openapi('ReportScope');

export const ZFunnelStageSchema = z.object({
  key: z.string(),
  index: z.number(),
  name: ZName,
  winPct: z.number(),
  reached: z.number(),
  skipped: z.number(),
  amount: z.number(),
  advancedToNext: z.number().nullable(),
  conversionToNext: z.number().nullable(),
});
export const ZFunnelReportSchema = z
  .object({ period: ZPeriod, scope: ZScopeSchema, stages: z.array(ZFunnelStageSchema) })
  .openapi('FunnelReport');
export type TFunnelReport = z.infer<typeof ZFunnelReportSchema>;

export const ZForecastLineSchema = z.object({
  userId: z.string().nullable(),
  name: z.string().nullable(),
  target: z.number(),
  won: ZMoney,
  remainingTarget: z.number(),
  pipeline: ZWeighted,
  commit: ZWeighted,
  bestCase: ZWeighted,
  onHold: ZMoney,
  coverage: z.number().nullable(),
});
export const ZForecastReportSchema = z
  .object({
    period: ZPeriod,
    scope: ZScopeSchema,
    commitFrom: z.string(),
    totals: ZForecastLineSchema,
    byRep: z.array(ZForecastLineSchema),
  })
  .openapi('ForecastReport');
export type TForecastLine = z.infer<typeof ZForecastLineSchema>;
export type TForecastReport = z.infer<typeof ZForecastReportSchema>;

const ZMilestoneRef = z.object({ key: z.string(), index: z.number() });
export const ZMovementReportSchema = z
  .object({
    period: ZPeriod,
    scope: ZScopeSchema,
    asOf: z.string(),
    created: ZMoney,
    advanced: ZMoney,
    stalled: ZMoney,
    won: ZMoney,
    lost: ZMoney,
    stalledNow: ZMoney,
    daysInStage: z.array(
      ZMilestoneRef.extend({
        open: z.number(),
        stalled: z.number(),
        avgDays: z.number().nullable(),
        maxDays: z.number().nullable(),
      }),
    ),
    velocity: z.array(
      ZMilestoneRef.extend({
        transitions: z.number(),
        avgDays: z.number().nullable(),
      }),
    ),
    slaBreaches: z.array(
      ZMilestoneRef.extend({
        slaDays: z.number().nullable(),
        entered: z.number(),
        breached: z.number(),
        rate: z.number().nullable(),
      }),
    ),
    approvalWait: z.array(
      z.object({
        kind: z.string(),
        decided: z.number(),
        avgHours: z.number().nullable(),
        maxHours: z.number().nullable(),
        pending: z.number(),
        oldestPendingHours: z.number().nullable(),
      }),
    ),
  })
  .openapi('MovementReport');
export type TMovementReport = z.infer<typeof ZMovementReportSchema>;

const ZRate = z.object({
  from: z.string(),
  to: z.string(),
  entered: z.number(),
  advanced: z.number(),
  rate: z.number().nullable(),
});
export const ZBottleneckReportSchema = z
  .object({
    period: ZPeriod,
    scope: ZScopeSchema,
    marginPct: z.number(),
    minSample: z.number(),
    team: z.array(ZRate),
    reps: z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        transitions: z.array(
          ZRate.extend({
            teamRate: z.number().nullable(),
            gapPct: z.number().nullable(),
            flagged: z.boolean(),
          }),
        ),
      }),
    ),
    flagged: z.array(
      ZRate.extend({ userId: z.string(), name: z.string(), teamRate: z.number(), gapPct: z.number() }),
    ),
  })
  .openapi('BottleneckReport');
export type TBottleneckReport = z.infer<typeof ZBottleneckReportSchema>;
