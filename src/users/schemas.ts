import { z } from '../contracts/zod';
import { INPUT_LIMITS } from '../contracts/input-rules';
import { zName } from '../contracts/zod-fields';

export const ZRoleSchema = z.enum(['rep', 'manager', 'director', 'admin']);
export const ZLocaleSchema = z.enum(['zh-CN', 'en']);

export const ZCreateUserSchema = z
  .object({
    name: zName(INPUT_LIMITS.userName),
    email: z
      .email()
      .max(200)
      .transform((e) => e.toLowerCase()),
    locale: ZLocaleSchema.default('zh-CN'),
    role: ZRoleSchema,
    managerId: z.uuid().nullable().optional(),
  })
  .strict()
  .openapi('CreateUser');
export type TCreateUser = z.infer<typeof ZCreateUserSchema>;

export const ZUpdateUserSchema = z
  .object({
    name: zName(INPUT_LIMITS.userName).optional(),
    locale: ZLocaleSchema.optional(),
    role: ZRoleSchema.optional(),
    managerId: z.uuid().nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .openapi('UpdateUser');
export type TUpdateUser = z.infer<typeof ZUpdateUserSchema>;

export const ZUserSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    locale: ZLocaleSchema,
    role: ZRoleSchema,
    managerId: z.uuid().nullable(),
    active: z.boolean(),
  })
  .openapi('User');

export const ZIssueTokenSchema = z
  .object({
    label: zName(INPUT_LIMITS.userName).default('api'),
    // Omitted: the longest lifetime allowed (API_TOKEN_MAX_TTL_DAYS); tokens always expire.
    ttlDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict()
  .openapi('IssueToken');

export const ZIssuedTokenSchema = z
  .object({ id: z.uuid(), token: z.string(), prefix: z.string(), expiresAt: z.string().nullable() })
  .openapi('IssuedToken');

export const ZTokenInfoSchema = z
  .object({
    id: z.uuid(),
    label: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('TokenInfo');
