// The kickoff rule (开工会): a deal at or above the process's amount, or flagged major, records its
// project plan after the kickoff milestone before it may complete the next one (LTC runs only).

import type { OpportunityState, RuleSet } from '../opportunity-types';
import { PSM_PROCESS } from '../psm-process';
import { definitionOf, milestoneIndexIn } from '../process-versions';
import { refuse } from '../opportunity-errors';
import { kickoffRequired } from '../opportunity-ltc-facts';

/** Refuses completing a milestone past the kickoff step while a required plan is missing. */
export function requirePlanIfKickoff(state: OpportunityState, milestone: string, rules: RuleSet): void {
  if (!rules.ltc || !kickoffRequired(state) || state.plan) return;
  const def = definitionOf(state);
  if (milestoneIndexIn(def, milestone) <= milestoneIndexIn(def, PSM_PROCESS.ltc.kickoff.afterMilestone))
    return;
  refuse('PROJECT_PLAN_REQUIRED', `a deal of this size or flagged major records its kickoff plan first`, {
    fromAmount: PSM_PROCESS.ltc.kickoff.fromAmount,
    major: state.major === true,
  });
}
