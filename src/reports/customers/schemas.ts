// The customer reports' contracts (issue 11): the six-step funnel, claim utilisation and lapses,
// scoped like every report (a rep their own accounts, a manager their line, an admin everyone).
import { z } from '../../contracts/zod';
import { ZReportQuerySchema, ZScopeSchema } from '../schemas';

/** Funnel and lapses count over a period; the claims report is a picture of now. */
export const ZCustomerReportQuerySchema = ZReportQuerySchema;
export const ZClaimReportQuerySchema = ZReportQuerySchema.pick({ team: true, rep: true }).strict();
export type TClaimReportQuery = z.infer<typeof ZClaimReportQuerySchema>;

const ZName = z.object({ zh: z.string(), en: z.string() });
const ZPeriod = z.object({ from: z.string(), to: z.string() });

export const ZCustomerFunnelStepSchema = z.object({
  key: z.string(),
  /** Accounts on this step now (held by the scope's reps; the pool's count is apart). */
  held: z.number(),
  /** Accounts that reached this step in the period (a skipped step counts as reached). */
  reached: z.number(),
  /** Of `reached`, those that went on to a later step before the period's end; null for the last step. */
  advancedToNext: z.number().nullable(),
  conversionToNext: z.number().nullable(),
});

export const ZCustomerSuccessSchema = z.object({
  /** Accounts claimed (reached 清单客户, i.e. contacted) in the period. */
  claimed: z.number(),
  /** Of those, the accounts that reached 订单客户 (or later) before the period's end. */
  ordered: z.number(),
  rate: z.number().nullable(),
  /** The seed's benchmark: even good reps convert fewer than 15 % of the customers they contact. */
  benchmark: z.number(),
  /** True when the rate is at or above the benchmark; null without claims. */
  atOrAboveBenchmark: z.boolean().nullable(),
});

export const ZCustomerFunnelLineSchema = z.object({
  userId: z.string().nullable(),
  name: z.string().nullable(),
  steps: z.array(ZCustomerFunnelStepSchema),
  success: ZCustomerSuccessSchema,
});

export const ZCustomerFunnelReportSchema = z
  .object({
    period: ZPeriod,
    scope: ZScopeSchema,
    steps: z.array(z.object({ key: z.string(), index: z.number(), name: ZName })),
    /** Accounts in the public pool (公海) now, whoever asks. */
    pool: z.number(),
    /** The scope as a whole: each account counted once even if two reps moved it. */
    totals: ZCustomerFunnelLineSchema,
    byRep: z.array(ZCustomerFunnelLineSchema),
  })
  .openapi('CustomerFunnelReport');
export type TCustomerFunnelReport = z.infer<typeof ZCustomerFunnelReportSchema>;
export type TCustomerFunnelLine = z.infer<typeof ZCustomerFunnelLineSchema>;

export const ZClaimLineSchema = z.object({
  userId: z.string().nullable(),
  name: z.string().nullable(),
  /** Claims counted against the cap (held accounts that are not active customers). */
  held: z.number(),
  cap: z.number(),
  utilisation: z.number().nullable(),
  /** Active customers (在网) the rep keeps outside the cap. */
  active: z.number(),
  /** Claims whose warning has gone out and that have not lapsed yet. */
  inWarning: z.number(),
  /** Reps at or over their cap (totals only; 0 or 1 on a rep's line). */
  atCap: z.number(),
});
export const ZClaimReportSchema = z
  .object({
    asOf: z.string(),
    scope: ZScopeSchema,
    totals: ZClaimLineSchema,
    byRep: z.array(ZClaimLineSchema),
  })
  .openapi('ClaimUtilisationReport');
export type TClaimReport = z.infer<typeof ZClaimReportSchema>;
export type TClaimLine = z.infer<typeof ZClaimLineSchema>;

export const ZLapseLineSchema = z.object({
  userId: z.string().nullable(),
  name: z.string().nullable(),
  /** Lapses per month, aligned with the report's `months`. */
  perMonth: z.array(z.number()),
  total: z.number(),
});
export const ZLapseReportSchema = z
  .object({
    period: ZPeriod,
    scope: ZScopeSchema,
    /** Local calendar months (YYYY-MM) the period touches, in order. */
    months: z.array(z.string()),
    totals: ZLapseLineSchema,
    byRep: z.array(ZLapseLineSchema),
  })
  .openapi('LapseReport');
export type TLapseReport = z.infer<typeof ZLapseReportSchema>;
