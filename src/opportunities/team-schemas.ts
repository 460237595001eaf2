// The API's request and response contracts for sales projects (issue 14): the deal team, the major
// flag, the kickoff plan, the handover acceptance and the closing lessons. Shape only (400); who may
// do what, and the process rules, are the workflow's (403 / 422).
import { z } from '../contracts/zod';
import { INPUT_LIMITS } from '../contracts/input-rules';
import { zCalendarDate, zKey, zName, zOptionalName, zOptionalText, zText } from '../contracts/zod-fields';
import { MILESTONE_KEYS, PSM_PROCESS, TEAM_ROLES } from '../../workflows/psm-process';

const roles = TEAM_ROLES as unknown as [string, ...string[]];
const documents = PSM_PROCESS.ltc.handover.documents.map((d) => d.key) as unknown as [string, ...string[]];

export const ZTeamRoleSchema = z.enum(roles).openapi('TeamRole');

export const ZAssignTeamMemberSchema = z
  .object({ userId: z.uuid(), role: ZTeamRoleSchema })
  .strict()
  .openapi('AssignTeamMember');

export const ZTeamMemberParams = z.object({ id: zKey(), userId: z.uuid() });

export const ZSetMajorDealSchema = z
  .object({ major: z.boolean(), reason: zText(INPUT_LIMITS.shortText) })
  .strict()
  .openapi('SetMajorDeal');

export const ZProjectPlanSchema = z
  .object({
    plannedDates: z.partialRecord(
      z.enum(MILESTONE_KEYS as unknown as [string, ...string[]]),
      zCalendarDate(),
    ),
    decisionDate: zCalendarDate(),
    risks: z
      .array(
        z
          .object({
            risk: zText(INPUT_LIMITS.longText),
            ownerId: zName(),
            mitigation: zText(INPUT_LIMITS.longText),
          })
          .strict(),
      )
      .max(30),
    competitors: z.array(zName()).max(20),
    evidence: zText(INPUT_LIMITS.longText),
  })
  .strict()
  .openapi('ProjectPlan');

export const ZAcceptHandoverSchema = z
  .object({
    documents: z.array(z.enum(documents)).max(50),
    note: zOptionalText(INPUT_LIMITS.longText).optional(),
  })
  .strict()
  .openapi('AcceptHandover');

export const ZClosingLessonsSchema = z
  .object({ lessons: zText(INPUT_LIMITS.longText), competitor: zOptionalName().optional() })
  .strict()
  .openapi('ClosingLessons');

export const ZTeamSchema = z
  .object({
    team: z.array(z.object({ userId: z.string(), role: z.string(), addedAt: z.string() })),
  })
  .openapi('DealTeam');

export const ZPlanViewSchema = z
  .object({
    major: z.boolean(),
    kickoffRequired: z.boolean(),
    planRecordedAt: z.string().nullable(),
    decisionDate: z.string().nullable(),
    milestones: z.array(
      z.object({
        milestone: z.string(),
        milestoneIndex: z.number(),
        plannedDate: z.string().nullable(),
        actualDate: z.string().nullable(),
        skipped: z.boolean(),
        slippageDays: z.number().nullable(),
      }),
    ),
  })
  .openapi('DealPlan');

export const ZClosingSummaryViewSchema = z
  .object({
    summary: z.record(z.string(), z.unknown()).nullable(),
    handover: z
      .object({
        status: z.string().nullable(),
        dueAt: z.string().nullable(),
        acceptedAt: z.string().nullable(),
        acceptorId: z.string().nullable(),
      })
      .nullable(),
    executionCompletedAt: z.string().nullable(),
  })
  .openapi('ClosingSummary');
