// Sales targets' contracts: one amount per user and period (inclusive days on the team calendar).
import { z } from '../contracts/zod';
import { zAmount, zCalendarDate } from '../contracts/zod-fields';

const day = zCalendarDate();

export const ZTargetParamsSchema = z.object({ userId: z.uuid() });

export const ZSetTargetSchema = z
  .object({
    periodStart: day.openapi({ example: '2026-01-01' }),
    periodEnd: day.openapi({ description: 'Inclusive.', example: '2026-03-31' }),
    amount: zAmount(),
  })
  .strict()
  .refine((v) => v.periodStart <= v.periodEnd, {
    message: 'periodEnd must not be before periodStart',
    path: ['periodEnd'],
  })
  .openapi('SetSalesTarget');
export type TSetTarget = z.infer<typeof ZSetTargetSchema>;

export const ZListTargetsQuerySchema = z
  .object({
    userId: z.uuid().optional(),
    team: z
      .uuid()
      .optional()
      .openapi({ description: "A manager's id: targets of their whole reporting line." }),
    from: day.optional().openapi({ description: 'Only targets whose period ends on or after this day.' }),
    to: day.optional().openapi({ description: 'Only targets whose period starts on or before this day.' }),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type TListTargetsQuery = z.infer<typeof ZListTargetsQuerySchema>;

export const ZSalesTargetSchema = z
  .object({
    userId: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    amount: z.number(),
    updatedAt: z.string(),
  })
  .openapi('SalesTarget');
export type TSalesTarget = z.infer<typeof ZSalesTargetSchema>;
