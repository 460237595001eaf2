// The shape every command follows: a synchronous validator that may only refuse, and an apply
// step that changes state. The workflow runs validate in the Update validator (a refusal leaves
// no trace in history) and apply in the Update handler.

import type { ReportingLine } from '../../src/contracts/activities';
import type {
  CommandBase,
  CommandResult,
  OpportunityState,
  OpportunityStatus,
  RuleSet,
} from '../opportunity-types';
import type { TransitionContext } from '../opportunity-state';
import { refuse } from '../opportunity-errors';

export type CommandOutcome = Pick<CommandResult, 'changed' | 'approvalId' | 'stakeholderId'>;

export interface CommandSpec<C extends CommandBase> {
  /** Throws an ApplicationFailure with an error code; never changes state. */
  validate(state: OpportunityState, command: C, now: number, rules?: RuleSet): void;
  /** Set when apply needs the owner's new reporting line (the only command that does I/O first). */
  needsReportingLineOf?(command: C): string | undefined;
  /** Refuses what only that reporting line can tell (run in the handler, after the look-up). */
  validateWithLine?(state: OpportunityState, command: C, line: ReportingLine, rules: RuleSet): void;
  apply(
    state: OpportunityState,
    command: C,
    ctx: TransitionContext,
    reportingLine?: ReportingLine,
  ): CommandOutcome;
}

/** What a run follows when it predates every rule change (and what unit tests get by default). */
export const FIRST_RULES: RuleSet = { authorization: false };

/** Refuses with the code that explains why the deal's status does not allow the command. */
export function requireStatus(
  state: OpportunityState,
  allowed: readonly OpportunityStatus[],
  action: string,
): void {
  if (allowed.includes(state.status)) return;
  if (state.status === 'won' || state.status === 'lost')
    refuse('DEAL_CLOSED', `the deal is ${state.status}: cannot ${action}`);
  if (state.status === 'on_hold') refuse('DEAL_ON_HOLD', `the deal is on hold: resume it to ${action}`);
  refuse('RULE_REFUSED', `the deal is open: cannot ${action}`);
}
