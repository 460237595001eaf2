-- PostgreSQL 18 names NOT NULL constraints and keeps the name when a column is renamed: after
-- 20261202150500_report_milestones_by_key renamed "idx" to "milestone", the constraints were still
-- "…_idx_not_null", where a database made from schema.prisma has "…_milestone_not_null"
-- (test/db/migrations.test.ts compares the two). Older servers have no such constraint: nothing to do.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ReportRollup_idx_not_null') THEN
    ALTER TABLE "ReportRollup" RENAME CONSTRAINT "ReportRollup_idx_not_null" TO "ReportRollup_milestone_not_null";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ReportRollupEntry_idx_not_null') THEN
    ALTER TABLE "ReportRollupEntry" RENAME CONSTRAINT "ReportRollupEntry_idx_not_null" TO "ReportRollupEntry_milestone_not_null";
  END IF;
END
$$;
