// Every command the opportunity workflow accepts, by Update name.

import type { CommandInputs, CommandName } from '../opportunity-types';
import type { CommandSpec } from './command-spec';
import { decideApproval, requestApproval } from './approval-commands';
import {
  acknowledgeEscalation,
  hold,
  logActivity,
  markLost,
  reopen,
  resume,
  updateDeal,
  upsertStakeholder,
} from './deal-commands';
import { completeMilestone, setChecklistItem } from './milestone-commands';
import {
  acceptHandover,
  assignTeamMember,
  recordClosingLessons,
  recordProjectPlan,
  removeTeamMember,
  setMajorDeal,
} from './team-commands';

export type CommandSpecs = { [N in CommandName]: CommandSpec<CommandInputs[N]> };

export const COMMANDS: CommandSpecs = {
  completeMilestone,
  setChecklistItem,
  logActivity,
  requestApproval,
  decideApproval,
  upsertStakeholder,
  updateDeal,
  markLost,
  hold,
  resume,
  reopen,
  acknowledgeEscalation,
  assignTeamMember,
  removeTeamMember,
  setMajorDeal,
  recordProjectPlan,
  acceptHandover,
  recordClosingLessons,
};

export { requireStatus, type CommandOutcome, type CommandSpec } from './command-spec';
