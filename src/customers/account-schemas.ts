// The API's contracts for accounts (客户), contacts, the pool search and the CSV import report
// (issue 11). Shape only (400); duplicates are 409 ACCOUNT_DUPLICATE, visibility 403/404.
import { z } from '../contracts/zod';
import { INPUT_LIMITS } from '../contracts/input-rules';
import { zName, zOptionalName, zOptionalText } from '../contracts/zod-fields';
import { PSM_PROCESS, STAKEHOLDER_ROLES, STAKEHOLDER_STANCES } from '../../workflows/psm-process';

export const FUNNEL_STEP_KEYS = PSM_PROCESS.customerFunnel.steps.map((s) => s.key) as unknown as [
  string,
  ...string[],
];

export const ACCOUNT_LIMITS = {
  tags: 20,
  tag: 50,
  notes: INPUT_LIMITS.shortText,
  contactsPerCreate: 20,
  pageDefault: 50,
  pageMax: 200,
  /** Rows a CSV import takes at once (a larger file is refused as a whole). */
  importRows: 10_000,
  /** Bytes an import file may have, raw body or multipart file field (10,000 rows are about 1 MB). */
  importBytes: 4 * 1024 * 1024,
  /** Rows an export writes at most. */
  exportRows: 100_000,
} as const;

/** Who holds an account, as the caller may know it. */
export const HOLDERS = ['pool', 'you', 'line', 'colleague'] as const;
export type Holder = (typeof HOLDERS)[number];

const zCreditCode = () =>
  z
    .string()
    .max(40)
    .openapi({ description: 'Unified social credit code: 18 characters, GB 32100-2015 check character' });

const zTags = () => z.array(zName(ACCOUNT_LIMITS.tag)).max(ACCOUNT_LIMITS.tags);

export const ZContactInputSchema = z
  .object({
    name: zName(),
    title: zOptionalName().nullable().optional(),
    phone: zOptionalName(50).nullable().optional(),
    email: z.email().max(INPUT_LIMITS.name).nullable().optional(),
    role: z.enum(STAKEHOLDER_ROLES).nullable().optional(),
    stance: z.enum(STAKEHOLDER_STANCES).nullable().optional(),
  })
  .strict()
  .openapi('ContactInput');
export type ContactInput = z.infer<typeof ZContactInputSchema>;

export const ZContactPatchSchema = ZContactInputSchema.partial().strict().openapi('ContactPatch');

const accountFields = {
  name: zName(),
  creditCode: zCreditCode().nullable().optional(),
  industry: zOptionalName(100).nullable().optional(),
  region: zOptionalName(100).nullable().optional(),
  size: zOptionalName(50).nullable().optional(),
  source: zOptionalName(100).nullable().optional(),
  tags: zTags().optional(),
  notes: zOptionalText(ACCOUNT_LIMITS.notes).nullable().optional(),
};

export const ZCreateAccountSchema = z
  .object({
    ...accountFields,
    contacts: z.array(ZContactInputSchema).max(ACCOUNT_LIMITS.contactsPerCreate).optional(),
  })
  .strict()
  .openapi('CreateAccount');
export type CreateAccountInput = z.infer<typeof ZCreateAccountSchema>;

export const ZPatchAccountSchema = z
  .object(accountFields)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' })
  .openapi('PatchAccount');
export type PatchAccountInput = z.infer<typeof ZPatchAccountSchema>;

export const ZAccountParams = z.object({ id: z.string().regex(/^acc-[0-9a-f]{32}$/) });
export const ZContactParams = z.object({ id: z.string().regex(/^con-[0-9a-f]{32}$/) });

// Filters go through the same text rule as stored values: a NUL (which PostgreSQL refuses in a
// text parameter) or another control character is a 400, never a failed query.
const filterFields = {
  q: zOptionalName(INPUT_LIMITS.name).optional().openapi({
    description:
      'Part of the name (compared normalised: full/half width, legal-form suffix, spaces, case) or a credit code',
  }),
  industry: zOptionalName(100).optional(),
  region: zOptionalName(100).optional(),
  tag: zOptionalName(ACCOUNT_LIMITS.tag).optional(),
  funnelStep: z.enum(FUNNEL_STEP_KEYS).optional(),
};

export const ZPoolQuerySchema = z
  .object({
    ...filterFields,
    cursor: z.string().max(400).optional(),
    limit: z.coerce.number().int().min(1).max(ACCOUNT_LIMITS.pageMax).default(ACCOUNT_LIMITS.pageDefault),
  })
  .strict();
export type PoolQuery = z.infer<typeof ZPoolQuerySchema>;

export const ZAccountListQuerySchema = ZPoolQuerySchema.extend({
  holder: z.enum(['pool', 'mine', 'line', 'all']).default('all').openapi({
    description:
      'pool: unclaimed; mine: held by the caller; line: held in the caller’s line; all: what the caller may see',
  }),
}).strict();
export type AccountListQuery = z.infer<typeof ZAccountListQuerySchema>;

export const ZExportQuerySchema = z
  .object({
    ...filterFields,
    holder: ZAccountListQuerySchema.shape.holder,
    locale: z
      .enum(['zh-CN', 'en'])
      .optional()
      .openapi({ description: 'Header language (default: the caller’s)' }),
  })
  .strict();
export type ExportQuery = z.infer<typeof ZExportQuerySchema>;

export const ZImportQuerySchema = z
  .object({
    dryRun: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
  })
  .strict();

const nullableString = z.string().nullable();

export const ZContactSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    name: z.string(),
    title: nullableString,
    phone: nullableString,
    email: nullableString,
    role: nullableString,
    stance: nullableString,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Contact');

export const ZAccountSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** Masked (null) for an account held outside the caller's line. */
    creditCode: nullableString,
    industry: nullableString,
    region: nullableString,
    size: nullableString,
    source: nullableString,
    tags: z.array(z.string()),
    funnelStep: z.string(),
    holder: z.enum(HOLDERS),
    /** The holder; null in the pool and for a colleague outside the caller's line. */
    ownerId: nullableString,
    ownerName: nullableString,
    claimedAt: nullableString,
    lapsesAt: nullableString,
    masked: z.boolean(),
    updatedAt: z.string(),
  })
  .openapi('AccountSummary');

export const ZAccountDealSchema = z.object({
  id: z.string(),
  name: z.string(),
  milestone: z.string(),
  status: z.string(),
  amount: z.number(),
  currency: z.string(),
  ownerId: z.string(),
});

export const ZAccountSchema = ZAccountSummarySchema.extend({
  notes: nullableString,
  createdById: nullableString,
  createdAt: z.string(),
  contacts: z.array(ZContactSchema),
  /** The account's deals the caller may see; otherDeals counts the rest. */
  deals: z.array(ZAccountDealSchema),
  otherDeals: z.number().int(),
}).openapi('Account');

export const ZAccountPageSchema = z
  .object({ accounts: z.array(ZAccountSummarySchema), nextCursor: nullableString })
  .openapi('AccountPage');

export const IMPORT_ACTIONS = ['create', 'merge', 'refuse'] as const;
export const IMPORT_REASONS = [
  'name_missing',
  'credit_code_invalid',
  'credit_code_conflict',
  'held_by_colleague',
  'held_by_other',
  'in_pool',
  'field_invalid',
  'contact_invalid',
  'column_count',
] as const;
export type ImportReason = (typeof IMPORT_REASONS)[number];

export const ZImportLineSchema = z.object({
  /** The file line the record starts on (the header is line 1). */
  line: z.number().int(),
  action: z.enum(IMPORT_ACTIONS),
  name: z.string(),
  accountId: nullableString,
  contactAdded: z.boolean(),
  code: z.enum(IMPORT_REASONS).nullable(),
  /** For a refusal: who holds the matching account (masked as for a 409). */
  holder: z.enum(HOLDERS).nullable(),
  field: nullableString,
  message: z.string(),
});
export type ImportLine = z.infer<typeof ZImportLineSchema>;

export const ZImportReportSchema = z
  .object({
    dryRun: z.boolean(),
    fileHash: z.string(),
    encoding: z.enum(['utf-8', 'gb18030']),
    /** A real import of a file this user already imported: the first report, nothing written. */
    alreadyImported: z.boolean(),
    importedAt: nullableString,
    lines: z.array(ZImportLineSchema),
    summary: z.object({ create: z.number(), merge: z.number(), refuse: z.number() }),
  })
  .openapi('AccountImportReport');
export type ImportReport = z.infer<typeof ZImportReportSchema>;
