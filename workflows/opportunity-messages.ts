// The opportunity workflow's messages, defined beside it so the API imports exactly these.
// Every command is an Update (its validator refuses with an error code and leaves no history);
// getState is the one query.

import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ProjectionInput } from '../src/contracts/activities';
import type { CommandInputs, CommandName, CommandResult } from './opportunity-types';
import type { OpportunityView } from './opportunity-view';

const command = <N extends CommandName>(name: N) => defineUpdate<CommandResult, [CommandInputs[N]], N>(name);

export const completeMilestoneUpdate = command('completeMilestone');
export const setChecklistItemUpdate = command('setChecklistItem');
export const logActivityUpdate = command('logActivity');
export const requestApprovalUpdate = command('requestApproval');
export const decideApprovalUpdate = command('decideApproval');
export const upsertStakeholderUpdate = command('upsertStakeholder');
export const updateDealUpdate = command('updateDeal');
export const markLostUpdate = command('markLost');
export const holdUpdate = command('hold');
export const resumeUpdate = command('resume');
export const reopenUpdate = command('reopen');
export const acknowledgeEscalationUpdate = command('acknowledgeEscalation');
export const assignTeamMemberUpdate = command('assignTeamMember');
export const removeTeamMemberUpdate = command('removeTeamMember');
export const setMajorDealUpdate = command('setMajorDeal');
export const recordProjectPlanUpdate = command('recordProjectPlan');
export const acceptHandoverUpdate = command('acceptHandover');
export const recordClosingLessonsUpdate = command('recordClosingLessons');

/** The same Updates keyed by command name, for callers that route by name. */
export const opportunityUpdates: {
  [N in CommandName]: UpdateDefinition<CommandResult, [CommandInputs[N]], N>;
} = {
  completeMilestone: completeMilestoneUpdate,
  setChecklistItem: setChecklistItemUpdate,
  logActivity: logActivityUpdate,
  requestApproval: requestApprovalUpdate,
  decideApproval: decideApprovalUpdate,
  upsertStakeholder: upsertStakeholderUpdate,
  updateDeal: updateDealUpdate,
  markLost: markLostUpdate,
  hold: holdUpdate,
  resume: resumeUpdate,
  reopen: reopenUpdate,
  acknowledgeEscalation: acknowledgeEscalationUpdate,
  assignTeamMember: assignTeamMemberUpdate,
  removeTeamMember: removeTeamMemberUpdate,
  setMajorDeal: setMajorDealUpdate,
  recordProjectPlan: recordProjectPlanUpdate,
  acceptHandover: acceptHandoverUpdate,
  recordClosingLessons: recordClosingLessonsUpdate,
};

export const getStateQuery = defineQuery<OpportunityView>('getState');

/**
 * The snapshot and the events after a seq, for a caller whose projection found a gap in the read
 * model (another caller's projection went missing). Events the workflow no longer holds are not
 * returned; the workflow only drops events the read model has acknowledged.
 */
export const projectionSinceQuery = defineQuery<ProjectionInput, [number]>('projectionSince');

/**
 * Someone's manager, role or active flag changed (a reorganisation through the users API): the
 * deal re-reads its owner's reporting line at once instead of at its next clock check. Sent by
 * the reportingLineChange workflow to every open deal in the changed user's line.
 */
export const reportingLineChangedSignal = defineSignal<[{ userId: string }]>('reportingLineChanged');
