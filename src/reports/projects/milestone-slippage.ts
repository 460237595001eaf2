// Slippage of one planned milestone, in calendar days between 'YYYY-MM-DD' days: reached ones by
// actual − planned, open deals' unreached ones by how late they are so far. Pure.
import type { z } from '../../contracts/zod';
import type { ZMilestoneSlippageSchema } from './schemas';

type TMilestoneSlippage = z.infer<typeof ZMilestoneSlippageSchema>;

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (both 'YYYY-MM-DD'). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export interface PlannedMilestone {
  milestone: string;
  milestoneIndex: number;
  plannedDate: string;
  actualDate: string | null;
}

/** `dealOpen`: only a deal still being worked can be overdue on a milestone it has not reached. */
export function milestoneSlippage(
  plan: PlannedMilestone,
  asOfDay: string,
  dealOpen: boolean,
): TMilestoneSlippage {
  const base = { ...plan };
  if (plan.actualDate !== null) {
    const slippageDays = daysBetween(plan.plannedDate, plan.actualDate);
    return {
      ...base,
      slippageDays,
      status: slippageDays < 0 ? 'early' : slippageDays === 0 ? 'on_time' : 'late',
    };
  }
  const lateSoFar = daysBetween(plan.plannedDate, asOfDay);
  if (dealOpen && lateSoFar > 0) return { ...base, slippageDays: lateSoFar, status: 'overdue' };
  return { ...base, slippageDays: null, status: dealOpen ? 'upcoming' : 'not_reached' };
}
