// Contracts of the board and dashboard reads the web app needs beside the reports: the pipeline
// board's columns and cards, the stalled list, and the weekly report as the page shows it.
import { z } from '../contracts/zod';

export const ZScopeQuerySchema = z
  .object({
    team: z
      .uuid()
      .optional()
      .openapi({ description: "A manager's (or director's) id: that person's whole reporting line." }),
    rep: z.uuid().optional().openapi({ description: 'One rep.' }),
  })
  .strict();
export type TScopeQuery = z.infer<typeof ZScopeQuerySchema>;

export const ZBoardQuerySchema = ZScopeQuerySchema.extend({
  perColumn: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(500)
    .openapi({ description: 'Cards listed per column (totals always count every deal).' }),
}).strict();

export const ZBoardCardsQuerySchema = ZScopeQuerySchema.extend({
  column: z
    .string()
    .min(1)
    .max(64)
    .openapi({ description: "A column's key: 'not_initiated' or a milestone key." }),
  after: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "The column's or the previous page's nextCursor." }),
  limit: z.coerce.number().int().min(1).max(500).default(200).openapi({ description: 'Cards listed.' }),
}).strict();

export const ZStalledQuerySchema = ZScopeQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: 'Deals listed.' }),
}).strict();

const ZName = z.object({ zh: z.string(), en: z.string() });
const ZScope = z.object({
  team: z.string().nullable(),
  rep: z.string().nullable(),
  userCount: z.number().nullable(),
});

export const ZBoardCardSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    account: z.string(),
    amount: z.number(),
    currency: z.string(),
    ownerId: z.string(),
    ownerName: z.string(),
    status: z.enum(['open', 'on_hold']),
    /** -1 before project initiation is reached. */
    reachedIndex: z.number(),
    /** The milestone a move to the next column completes; null at the last one. */
    nextMilestone: z.string().nullable(),
    probability: z.number(),
    stageEnteredAt: z.string(),
    daysInStage: z.number(),
    stalled: z.boolean(),
    noSponsorWarning: z.boolean(),
    escalationLevel: z.number(),
  })
  .openapi('BoardCard');
export type TBoardCard = z.infer<typeof ZBoardCardSchema>;

export const ZBoardCardsSchema = z
  .object({ cards: z.array(ZBoardCardSchema), nextCursor: z.string().nullable() })
  .openapi('BoardCards');

export const ZBoardColumnSchema = z.object({
  /** 'not_initiated' for deals still applying for project initiation, else a milestone key. */
  key: z.string(),
  index: z.number(),
  name: ZName.nullable(),
  winPct: z.number(),
  count: z.number(),
  amount: z.number(),
  weighted: z.number(),
  cards: z.array(ZBoardCardSchema),
  /** More cards than listed: GET /api/board/cards?column=<key>&after=<this> lists the next page. */
  nextCursor: z.string().nullable(),
});
export const ZBoardSchema = z
  .object({
    scope: ZScope,
    asOf: z.string(),
    columns: z.array(ZBoardColumnSchema),
    owners: z.array(z.object({ id: z.string(), name: z.string(), managerId: z.string().nullable() })),
  })
  .openapi('Board');
export type TBoard = z.infer<typeof ZBoardSchema>;

export const ZStalledDealSchema = z.object({
  id: z.string(),
  name: z.string(),
  account: z.string(),
  ownerId: z.string(),
  ownerName: z.string(),
  milestone: z.string(),
  daysInStage: z.number(),
  escalationLevel: z.number(),
  amount: z.number(),
});
export const ZStalledListSchema = z
  .object({ scope: ZScope, asOf: z.string(), total: z.number(), deals: z.array(ZStalledDealSchema) })
  .openapi('StalledList');
export type TStalledList = z.infer<typeof ZStalledListSchema>;

export const ZWeeklyQuerySchema = z
  .object({
    week: z
      .string()
      .regex(/^\d{4}-W\d{2}$/)
      .optional()
      .openapi({
        description: 'ISO week (e.g. 2026-W47); the last complete week when absent.',
        example: '2026-W47',
      }),
    for: z
      .uuid()
      .optional()
      .openapi({ description: "Whose report: a person in the caller's line (default: the caller)." }),
    locale: z
      .enum(['zh-CN', 'en'])
      .optional()
      .openapi({ description: "Default: the caller's stored locale." }),
  })
  .strict();
export type TWeeklyQuery = z.infer<typeof ZWeeklyQuerySchema>;

const ZContentTable = z.object({
  headers: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  numeric: z.array(z.number()),
});
export const ZWeeklyViewSchema = z
  .object({
    isoWeek: z.string(),
    from: z.string(),
    to: z.string(),
    recipient: z.object({ id: z.string(), name: z.string() }),
    content: z.object({
      locale: z.enum(['zh-CN', 'en']),
      subject: z.string(),
      heading: z.string(),
      greeting: z.string(),
      intro: z.string(),
      sections: z.array(
        z.object({
          title: z.string(),
          blocks: z.array(
            z.union([
              z.object({ kind: z.literal('text'), text: z.string() }),
              z.object({ kind: z.literal('table'), table: ZContentTable }),
            ]),
          ),
        }),
      ),
      footer: z.string(),
    }),
  })
  .openapi('WeeklyReportView');
export type TWeeklyView = z.infer<typeof ZWeeklyViewSchema>;
