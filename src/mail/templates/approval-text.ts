// Phrases the approval templates share.
import { milestoneName } from '../milestones';
import { formatDateTime } from '../locale';
import { COMMON_STRINGS, mailT } from './strings';
import type { MailContext } from './types';

/** "Milestone gate · Technical breakthrough 2": what is being approved, in one phrase. */
export function approvalTitle(ctx: MailContext): string {
  const s = COMMON_STRINGS[ctx.locale];
  const a = ctx.approval;
  if (!a) return s.approval;
  const kind = s.approvalKind[a.kind];
  return a.milestone
    ? mailT(ctx.locale)('common.approvalTitle', { kind, milestone: milestoneName(a.milestone, ctx.locale) })
    : kind;
}

function name(ctx: MailContext, id: string | null | undefined): string {
  const s = COMMON_STRINGS[ctx.locale];
  return id ? (ctx.people[id] ?? s.unknownPerson) : s.unknownPerson;
}

export const requesterName = (ctx: MailContext): string => name(ctx, ctx.approval?.requestedById);
export const approverName = (ctx: MailContext): string => name(ctx, ctx.approval?.approverId);
export const deciderName = (ctx: MailContext): string => name(ctx, ctx.approval?.decidedById);

export function requestedAt(ctx: MailContext): string {
  return ctx.approval ? formatDateTime(ctx.approval.requestedAt, ctx.locale, ctx.timeZone) : '';
}
