// What crosses the workflow/activity boundary for the weekly project report (销售项目周报, issue 14).

export interface ProjectReportPlan {
  isoWeek: string;
  from: string;
  to: string;
  /** Every major deal with a plan, and who gets its report (team, owner, owner's manager). */
  deals: { opportunityId: string; recipientIds: string[] }[];
}

export interface ProjectReportMailRequest {
  opportunityId: string;
  recipientId: string;
  isoWeek: string;
  from: string;
  to: string;
}

export interface ProjectReportActivities {
  planProjectReports(input: { asOf: string }): Promise<ProjectReportPlan>;
  sendProjectReport(request: ProjectReportMailRequest): Promise<{ key: string; alreadySent: boolean }>;
}
