-- Reports key milestones by key, never by position (issue 17, item 1). A deal on process version 1
-- at position 3 (技术突破2) and a deal on version 2 at position 3 (an inserted 方案评审) are at
-- different milestones; every table already stores the key beside the position, so:
-- * MilestoneEvent is one row per (deal, milestone key): a migrated deal's positions change, its
--   keys do not (by position, a later visit could overwrite an earlier milestone's row).
-- * The rollups' milestone buckets are by key: "idx" becomes "milestone" ('' for kinds without one).
-- * "Moved on" (left for a later milestone the deal is now past) no longer compares positions across
--   versions: the visit was left and the deal is at another milestone now. Within one version that
--   is the same rows as before (a deal never goes back; its current visit is the open one).
-- * The forecast's commit (open at or past 商务突破) reads the keys at or past it
--   (report_rollup_commit_milestones(); the app reads the rollups only while its order agrees).
-- * The longest-waiting open deal per milestone is found along Opportunity(status, milestone, stageEnteredAt).

-- MilestoneEvent by key: a pair of rows of one deal with the same key (only possible after a
-- migration moved positions under the old key) keeps the latest visit.
DELETE FROM "MilestoneEvent" me
 USING "MilestoneEvent" later
 WHERE later."opportunityId" = me."opportunityId" AND later."milestone" = me."milestone"
   AND (later."seq", later."milestoneIndex") > (me."seq", me."milestoneIndex");
ALTER TABLE "MilestoneEvent" DROP CONSTRAINT "MilestoneEvent_pkey";
ALTER TABLE "MilestoneEvent" ADD CONSTRAINT "MilestoneEvent_pkey" PRIMARY KEY ("opportunityId", "milestone");

DROP INDEX "Opportunity_status_milestoneIndex_stageEnteredAt_idx";
CREATE INDEX "Opportunity_status_milestone_stageEnteredAt_idx" ON "Opportunity"("status", "milestone", "stageEnteredAt");

-- The rollups: emptied here, rebuilt from the read model at the end.
DROP VIEW report_rollup.source;
TRUNCATE "ReportRollup", "ReportRollupEntry";
ALTER TABLE "ReportRollup" RENAME COLUMN "idx" TO "milestone";
ALTER TABLE "ReportRollup" ALTER COLUMN "milestone" TYPE TEXT USING '';
ALTER TABLE "ReportRollupEntry" RENAME COLUMN "idx" TO "milestone";
ALTER TABLE "ReportRollupEntry" ALTER COLUMN "milestone" TYPE TEXT USING '';

CREATE FUNCTION report_rollup_commit_milestones() RETURNS text[]
  LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY['business_breakthrough', 'contract_signed'] $$;

CREATE VIEW report_rollup.source AS
  SELECT o."id" AS "opportunityId", 'created'::text AS "kind", report_rollup_day(o."createdAt") AS "day",
         '00000000-0000-0000-0000-000000000000'::uuid AS "ownerId", ''::text AS "milestone", '-infinity'::date AS "d2",
         0 AS "flags", 1 AS "n", o."amount"::numeric AS "amount", 0::numeric AS "x", NULL::numeric AS "mx"
    FROM "Opportunity" o
  UNION ALL
  SELECT o."id", k.kind, report_rollup_day(o."closedAt"),
         CASE WHEN k.kind = 'won' THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE o."ownerId" END,
         '', '-infinity'::date, 0, 1, o."amount", 0, NULL
    FROM "Opportunity" o CROSS JOIN (VALUES ('won'), ('wono')) AS k(kind)
   WHERE o."status" = 'won' AND o."closedAt" IS NOT NULL
  UNION ALL
  -- Open deals by current milestone (days in stage: x = sum of stage-entry epochs).
  SELECT o."id", 'open', '-infinity'::date, '00000000-0000-0000-0000-000000000000'::uuid,
         o."milestone", '-infinity'::date, o."stalled"::int, 1, o."amount",
         extract(epoch FROM o."stageEnteredAt"), NULL
    FROM "Opportunity" o
   WHERE o."status" = 'open'
  UNION ALL
  -- Pipeline per owner by expected close month (and by day, for a month the period ends inside).
  -- flags: 1 = on hold, 2 = open at or past the commit milestone.
  SELECT o."id", k.kind,
         CASE WHEN o."expectedCloseDate" IS NULL THEN '-infinity'::date
              WHEN k.kind = 'pipe' THEN date_trunc('month', o."expectedCloseDate")::date
              ELSE o."expectedCloseDate"::date END,
         o."ownerId", '', '-infinity'::date,
         (o."status" = 'on_hold')::int
           | ((o."status" = 'open' AND o."milestone" = ANY (report_rollup_commit_milestones()))::int << 1),
         1, o."amount", o."amount" * o."probability" / 100, NULL
    FROM "Opportunity" o CROSS JOIN (VALUES ('pipe'), ('piped')) AS k(kind)
   WHERE o."status" IN ('open', 'on_hold') AND (k.kind = 'pipe' OR o."expectedCloseDate" IS NOT NULL)
  UNION ALL
  -- Milestone visits by the day entered. flags: 1 skipped, 2 SLA breached, 4 moved on (left, and
  -- the deal is at another milestone now). 'meo' per owner on the row, for the bottleneck report.
  SELECT me."opportunityId", k.kind, report_rollup_day(me."enteredAt"),
         CASE WHEN k.kind = 'me' THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE me."ownerId" END,
         me."milestone", '-infinity'::date,
         CASE WHEN k.kind = 'me' THEN me."skipped"::int | (me."slaBreached"::int << 1) ELSE 0 END
           | ((me."leftAt" IS NOT NULL AND o."milestone" <> me."milestone")::int << 2),
         1, CASE WHEN k.kind = 'me' THEN o."amount" ELSE 0 END, 0, NULL
    FROM "MilestoneEvent" me JOIN "Opportunity" o ON o."id" = me."opportunityId"
   CROSS JOIN (VALUES ('me'), ('meo')) AS k(kind)
  UNION ALL
  -- The same per owner by the month entered: a period's whole months in one row per owner.
  SELECT me."opportunityId", 'meom', date_trunc('month', report_rollup_day(me."enteredAt"))::date, me."ownerId",
         me."milestone", '-infinity'::date,
         ((me."leftAt" IS NOT NULL AND o."milestone" <> me."milestone")::int << 2), 1, 0, 0, NULL
    FROM "MilestoneEvent" me JOIN "Opportunity" o ON o."id" = me."opportunityId"
  UNION ALL
  -- Moved-on visits by the day entered and the day left: what a period ending before the move
  -- must not count as advanced.
  SELECT me."opportunityId", k.kind, report_rollup_day(me."enteredAt"),
         CASE WHEN k.kind = 'mk2' THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE me."ownerId" END,
         me."milestone", report_rollup_day(me."leftAt"), 0, 1, 0, 0, NULL
    FROM "MilestoneEvent" me JOIN "Opportunity" o ON o."id" = me."opportunityId"
   CROSS JOIN (VALUES ('mk2'), ('mk2o')) AS k(kind)
   WHERE me."leftAt" IS NOT NULL AND o."milestone" <> me."milestone"
  UNION ALL
  -- Visits left (velocity), skipped ones excepted: x = days spent.
  SELECT me."opportunityId", 'ml', report_rollup_day(me."leftAt"), '00000000-0000-0000-0000-000000000000'::uuid,
         me."milestone", '-infinity'::date, 0, 1, 0, extract(epoch FROM me."leftAt" - me."enteredAt") / 86400, NULL
    FROM "MilestoneEvent" me
   WHERE me."leftAt" IS NOT NULL AND NOT me."skipped"
  UNION ALL
  -- Distinct deals per period: each visit with the day of the deal's previous visit; a deal
  -- advanced in [from, to) iff one of its visits entered then follows one entered before `from`.
  -- (Visits entered at the same instant give the same pairs of days in either order.)
  SELECT v."opportunityId", 'adv', report_rollup_day(v."enteredAt"), '00000000-0000-0000-0000-000000000000'::uuid,
         '', coalesce(report_rollup_day(v.prev), '-infinity'::date), 0, count(*)::int, sum(o."amount"), 0, NULL
    FROM (SELECT me."opportunityId", me."enteredAt",
                 lag(me."enteredAt") OVER (PARTITION BY me."opportunityId" ORDER BY me."enteredAt", me."seq") AS prev
            FROM "MilestoneEvent" me) v
    JOIN "Opportunity" o ON o."id" = v."opportunityId"
   GROUP BY 1, 3, 6
  UNION ALL
  -- The same for journal events: stalled (sla_breached) and lost.
  SELECT e."opportunityId", CASE WHEN e."type" = 'lost' THEN 'lost' ELSE 'stall' END, report_rollup_day(e."occurredAt"),
         '00000000-0000-0000-0000-000000000000'::uuid, '', coalesce(report_rollup_day(e.prev), '-infinity'::date),
         0, count(*)::int, sum(o."amount"), 0, NULL
    FROM (SELECT ev."opportunityId", ev."type", ev."occurredAt",
                 lag(ev."occurredAt") OVER (PARTITION BY ev."opportunityId", ev."type" ORDER BY ev."occurredAt", ev."seq") AS prev
            FROM "OpportunityEvent" ev WHERE ev."type" IN ('sla_breached', 'lost')) e
    JOIN "Opportunity" o ON o."id" = e."opportunityId"
   GROUP BY 1, 2, 3, 6
  UNION ALL
  -- Approvals decided, per approval kind: x = hours waited, mx = the longest wait.
  SELECT a."opportunityId", 'apd:' || a."kind", report_rollup_day(a."decidedAt"),
         '00000000-0000-0000-0000-000000000000'::uuid, '', '-infinity'::date, 0, count(*)::int, 0,
         sum(extract(epoch FROM a."decidedAt" - a."requestedAt") / 3600), max(extract(epoch FROM a."decidedAt" - a."requestedAt") / 3600)
    FROM "Approval" a
   WHERE a."status" IN ('approved', 'rejected') AND a."decidedAt" IS NOT NULL
   GROUP BY 1, 2, 3;

-- As in 20261202072422_report_rollups_tuning, with "milestone" where "idx" was.
CREATE OR REPLACE FUNCTION report_rollup_refresh(deal text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  fresh "ReportRollupEntry"[];
  shrunk text[];
BEGIN
  fresh := ARRAY(
    SELECT ROW(deal, s."kind", s."day", s."ownerId", s."milestone", s."d2", s."flags", s."n", s."amount", s."x", s."mx")::"ReportRollupEntry"
      FROM report_rollup.source s WHERE s."opportunityId" = deal);
  IF NOT EXISTS (SELECT * FROM unnest(fresh) EXCEPT SELECT * FROM "ReportRollupEntry" l WHERE l."opportunityId" = deal)
     AND NOT EXISTS (SELECT * FROM "ReportRollupEntry" l WHERE l."opportunityId" = deal EXCEPT SELECT * FROM unnest(fresh)) THEN
    RETURN;
  END IF;
  SELECT array_agg(o."kind" || '|' || o."day")
    INTO shrunk
    FROM (SELECT l."kind", l."day", l."ownerId", l."milestone", l."d2", l."flags", l."n", l."x", l."mx"
            FROM "ReportRollupEntry" l WHERE l."opportunityId" = deal AND l."mx" IS NOT NULL
          EXCEPT
          SELECT f."kind", f."day", f."ownerId", f."milestone", f."d2", f."flags", f."n", f."x", f."mx"
            FROM unnest(fresh) f) o;
  INSERT INTO "ReportRollup" AS r ("kind", "day", "ownerId", "milestone", "d2", "flags", "n", "amount", "x", "mx")
  SELECT c."kind", c."day", c."ownerId", c."milestone", c."d2", c."flags", sum(c."n"), sum(c."amount"), sum(c."x"),
         max(c."mx") FILTER (WHERE c.side = 1)
    FROM (SELECT 1 AS side, f."kind", f."day", f."ownerId", f."milestone", f."d2", f."flags", f."n", f."amount", f."x", f."mx"
            FROM unnest(fresh) f
          UNION ALL
          SELECT -1, l."kind", l."day", l."ownerId", l."milestone", l."d2", l."flags", -l."n", -l."amount", -l."x", l."mx"
            FROM "ReportRollupEntry" l WHERE l."opportunityId" = deal) c
   GROUP BY c."kind", c."day", c."ownerId", c."milestone", c."d2", c."flags"
  HAVING sum(c."n") <> 0 OR sum(c."amount") <> 0 OR sum(c."x") <> 0 OR max(c."mx") FILTER (WHERE c.side = 1) IS NOT NULL
   ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ("kind", "day", "ownerId", "milestone", "d2", "flags") DO UPDATE
     SET "n" = r."n" + EXCLUDED."n", "amount" = r."amount" + EXCLUDED."amount", "x" = r."x" + EXCLUDED."x",
         "mx" = greatest(r."mx", EXCLUDED."mx");
  DELETE FROM "ReportRollupEntry" WHERE "opportunityId" = deal;
  INSERT INTO "ReportRollupEntry" SELECT * FROM unnest(fresh);
  IF shrunk IS NOT NULL THEN
    UPDATE "ReportRollup" r
       SET "mx" = (SELECT max(extract(epoch FROM a."decidedAt" - a."requestedAt") / 3600)
                     FROM "Approval" a
                    WHERE a."kind" = substr(r."kind", 5) AND a."status" IN ('approved', 'rejected')
                      AND a."decidedAt" >= r."day" - interval '480 minutes'
                      AND a."decidedAt" < r."day" + 1 - interval '480 minutes')
     WHERE r."kind" LIKE 'apd:%' AND r."kind" || '|' || r."day" = ANY (shrunk);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION report_rollup_rebuild() RETURNS void LANGUAGE plpgsql
  SET work_mem = '256MB' AS $$
BEGIN
  LOCK TABLE "ReportRollup", "ReportRollupEntry" IN EXCLUSIVE MODE;
  TRUNCATE "ReportRollup", "ReportRollupEntry";
  WITH src AS MATERIALIZED (SELECT * FROM report_rollup.source),
  entries AS (INSERT INTO "ReportRollupEntry" ("opportunityId", "kind", "day", "ownerId", "milestone", "d2", "flags", "n", "amount", "x", "mx")
              SELECT * FROM src)
  INSERT INTO "ReportRollup" ("kind", "day", "ownerId", "milestone", "d2", "flags", "n", "amount", "x", "mx")
  SELECT s."kind", s."day", s."ownerId", s."milestone", s."d2", s."flags", sum(s."n"), sum(s."amount"), sum(s."x"), max(s."mx")
    FROM src s GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;
END $$;

-- The rollups read the deal's milestone key now: its change refreshes them too.
DROP TRIGGER report_rollup_opportunity_change ON "Opportunity";
CREATE TRIGGER report_rollup_opportunity_change AFTER UPDATE ON "Opportunity" FOR EACH ROW
  WHEN ((OLD."amount", OLD."ownerId", OLD."milestone", OLD."milestoneIndex", OLD."probability", OLD."status",
         OLD."expectedCloseDate", OLD."stageEnteredAt", OLD."stalled", OLD."createdAt", OLD."closedAt")
        IS DISTINCT FROM
        (NEW."amount", NEW."ownerId", NEW."milestone", NEW."milestoneIndex", NEW."probability", NEW."status",
         NEW."expectedCloseDate", NEW."stageEnteredAt", NEW."stalled", NEW."createdAt", NEW."closedAt"))
  EXECUTE FUNCTION report_rollup_mark();

SELECT report_rollup_rebuild();
