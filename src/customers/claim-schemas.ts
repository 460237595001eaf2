// The claim (报备) routes' request and answer shapes (issue 11): commands on an account's workflow,
// my list, an account's owner history and journal, a team's cap. Text limits are the input rules'.
import { INPUT_LIMITS } from '../contracts/input-rules';
import { zOptionalText } from '../contracts/zod-fields';
import { z } from '../contracts/zod';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { FUNNEL_STEPS } from '../../workflows/account-types';

const FUNNEL = PSM_PROCESS.customerFunnel;
const zNote = () => zOptionalText(INPUT_LIMITS.longText).optional();
const zUserId = () => z.uuid();

export const ZClaimBodySchema = z.object({}).strict().openapi('ClaimAccount');
export const ZReleaseBodySchema = z.object({ note: zNote() }).strict().openapi('ReleaseAccount');
export const ZAssignBodySchema = z
  .object({ toUserId: zUserId(), note: zNote() })
  .strict()
  .openapi('AssignAccount');
export const ZMoveBodySchema = z.object({ toUserId: zUserId(), note: zNote() }).strict().openapi('MoveClaim');
export const ZSignalBodySchema = z
  .object({
    signal: z.enum(FUNNEL.businessSignals.map((s) => s.key) as [string, ...string[]]),
    note: zNote(),
  })
  .strict()
  .openapi('RecordBusinessSignal');
export const ZSalesActionBodySchema = z
  .object({ kind: z.enum(FUNNEL.salesActionTypes), note: zNote() })
  .strict()
  .openapi('LogAccountSalesAction');

const zInstant = () => z.string().nullable();
const zStep = () => z.enum(FUNNEL_STEPS as unknown as [string, ...string[]]);

export const ZClaimStateSchema = z
  .object({
    id: z.string(),
    funnelStep: zStep(),
    ownerId: z.string().nullable(),
    claimedAt: zInstant(),
    lapsesAt: zInstant(),
    warnsAt: zInstant(),
    lastSalesActionAt: zInstant(),
    protected: z.boolean(),
  })
  .openapi('AccountClaimState');

export const ZAccountCommandResultSchema = z
  .object({
    requestId: z.string(),
    command: z.string(),
    seq: z.number().int(),
    unchanged: z.boolean().optional(),
    account: ZClaimStateSchema,
  })
  .openapi('AccountCommandResult');

export const ZMyClaimSchema = z
  .object({
    accountId: z.string(),
    name: z.string(),
    funnelStep: zStep(),
    claimedAt: zInstant(),
    lapsesAt: zInstant(),
    warnsAt: zInstant(),
    lastSalesActionAt: zInstant(),
    protected: z.boolean(),
    /** Calendar days (Asia/Shanghai) from today to the lapse day; null without a clock. */
    daysLeft: z.number().int().nullable(),
  })
  .openapi('MyClaim');

export const ZMyClaimsSchema = z
  .object({
    claims: z.array(ZMyClaimSchema),
    held: z.number().int(),
    cap: z.number().int(),
    dailyLimit: z.number().int(),
  })
  .openapi('MyClaims');

export const ZOwnerChangeSchema = z
  .object({
    fromUserId: z.string().nullable(),
    toUserId: z.string().nullable(),
    actorId: z.string().nullable(),
    reason: z.string(),
    note: z.string().nullable(),
    at: z.string(),
  })
  .openapi('AccountOwnerChange');

export const ZAccountJournalEventSchema = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    actorId: z.string().nullable(),
    at: z.string(),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AccountJournalEvent');

export const ZJournalQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(200),
    /** Older events than this seq (the previous page's nextBeforeSeq). */
    beforeSeq: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  })
  .strict();

export const ZTeamParams = z.object({ managerId: z.uuid() });
export const ZTeamClaimCapBodySchema = z
  .object({ cap: z.number().int().min(-1_000_000).max(1_000_000) })
  .strict()
  .openapi('TeamClaimCapInput');
export const ZTeamClaimCapSchema = z
  .object({ managerId: z.string(), cap: z.number().int(), min: z.number().int(), max: z.number().int() })
  .openapi('TeamClaimCap');
