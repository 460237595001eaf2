// The worker's workflowsPath. Every function exported here becomes a workflow type, so export
// workflow functions only; messages and types are re-exported for callers' convenience.

export { opportunity } from './opportunity';
export { reportingLineChange } from './reporting-line-change';
export { weeklyReport } from './weekly-report';
export { morningDigest } from './morning-digest';
export { projectReports } from './project-reports';
export { processMigrationRun } from './opportunity-migration-run';
export { account } from './account';
export { bookHandover } from './book-handover';
export {
  acknowledgeEscalationUpdate,
  completeMilestoneUpdate,
  decideApprovalUpdate,
  getStateQuery,
  holdUpdate,
  logActivityUpdate,
  markLostUpdate,
  opportunityUpdates,
  reopenUpdate,
  reportingLineChangedSignal,
  requestApprovalUpdate,
  resumeUpdate,
  setChecklistItemUpdate,
  updateDealUpdate,
  upsertStakeholderUpdate,
} from './opportunity-messages';
export type {
  Actor,
  ActorRole,
  CommandInputs,
  CommandName,
  CommandResult,
  OpportunityStartInput,
  OpportunityState,
} from './opportunity-types';
export type { OpportunityView } from './opportunity-view';
export type { ReportingLineChangeInput, ReportingLineChangeResult } from './reporting-line-change';
export type { WeeklyReportInput, WeeklyReportResult } from './weekly-report';
export type { ProjectReportsInput, ProjectReportsResult } from './project-reports';
export type { MorningDigestInput, MorningDigestResult } from './morning-digest';
