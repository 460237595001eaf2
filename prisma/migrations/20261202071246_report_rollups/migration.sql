-- CreateTable
CREATE TABLE "ReportRollup" (
    "kind" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "ownerId" UUID NOT NULL,
    "idx" INTEGER NOT NULL,
    "d2" DATE NOT NULL,
    "flags" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,
    "amount" DECIMAL(65,30) NOT NULL,
    "x" DECIMAL(65,30) NOT NULL,
    "mx" DECIMAL(65,30),

    CONSTRAINT "ReportRollup_pkey" PRIMARY KEY ("kind","day","ownerId","idx","d2","flags")
);

-- CreateTable
CREATE TABLE "ReportRollupEntry" (
    "opportunityId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "ownerId" UUID NOT NULL,
    "idx" INTEGER NOT NULL,
    "d2" DATE NOT NULL,
    "flags" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,
    "amount" DECIMAL(65,30) NOT NULL,
    "x" DECIMAL(65,30) NOT NULL,
    "mx" DECIMAL(65,30),

    CONSTRAINT "ReportRollupEntry_pkey" PRIMARY KEY ("opportunityId","kind","day","ownerId","idx","d2","flags")
);

-- CreateIndex
CREATE INDEX "ReportRollup_kind_d2_day_idx" ON "ReportRollup"("kind", "d2", "day");

-- CreateIndex
CREATE INDEX "Opportunity_status_milestoneIndex_stageEnteredAt_idx" ON "Opportunity"("status", "milestoneIndex", "stageEnteredAt");

-- CreateIndex
CREATE INDEX "Approval_kind_decidedAt_idx" ON "Approval"("kind", "decidedAt");

-- Trigger machinery outside the public schema (not part of schema.prisma): the view of what one
-- deal contributes, and the deals written in the current transaction (empty outside one).
CREATE SCHEMA report_rollup;
CREATE TABLE report_rollup.dirty ("opportunityId" TEXT PRIMARY KEY);

CREATE FUNCTION report_rollup_day(ts timestamp) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (ts + interval '480 minutes')::date $$;

CREATE FUNCTION report_rollup_settings() RETURNS TABLE ("utcOffsetMinutes" int, "commitIndex" int)
  LANGUAGE sql IMMUTABLE AS $$ SELECT 480, 4 $$;

-- What one deal contributes, one row per bucket entry (a deal may add several to one bucket).
CREATE VIEW report_rollup.source AS
  SELECT o."id" AS "opportunityId", 'created'::text AS "kind", report_rollup_day(o."createdAt") AS "day",
         '00000000-0000-0000-0000-000000000000'::uuid AS "ownerId", -1 AS "idx", '-infinity'::date AS "d2",
         0 AS "flags", 1 AS "n", o."amount"::numeric AS "amount", 0::numeric AS "x", NULL::numeric AS "mx"
    FROM "Opportunity" o
  UNION ALL
  SELECT o."id", k.kind, report_rollup_day(o."closedAt"),
         CASE WHEN k.kind = 'won' THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE o."ownerId" END,
         -1, '-infinity'::date, 0, 1, o."amount", 0, NULL
    FROM "Opportunity" o CROSS JOIN (VALUES ('won'), ('wono')) AS k(kind)
   WHERE o."status" = 'won' AND o."closedAt" IS NOT NULL
  UNION ALL
  -- Open deals by current milestone (days in stage: x = sum of stage-entry epochs).
  SELECT o."id", 'open', '-infinity'::date, '00000000-0000-0000-0000-000000000000'::uuid,
         o."milestoneIndex", '-infinity'::date, o."stalled"::int, 1, o."amount",
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
         o."ownerId", -1, '-infinity'::date,
         (o."status" = 'on_hold')::int
           | ((o."status" = 'open' AND o."milestoneIndex" >= (SELECT "commitIndex" FROM report_rollup_settings()))::int << 1),
         1, o."amount", o."amount" * o."probability" / 100, NULL
    FROM "Opportunity" o CROSS JOIN (VALUES ('pipe'), ('piped')) AS k(kind)
   WHERE o."status" IN ('open', 'on_hold') AND (k.kind = 'pipe' OR o."expectedCloseDate" IS NOT NULL)
  UNION ALL
  -- Milestone visits by the day entered. flags: 1 skipped, 2 SLA breached, 4 moved on (left for a
  -- later milestone the deal is now past). 'meo' per owner on the row, for the bottleneck report.
  SELECT me."opportunityId", k.kind, report_rollup_day(me."enteredAt"),
         CASE WHEN k.kind = 'me' THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE me."ownerId" END,
         me."milestoneIndex", '-infinity'::date,
         CASE WHEN k.kind = 'me' THEN me."skipped"::int | (me."slaBreached"::int << 1) ELSE 0 END
           | ((me."leftAt" IS NOT NULL AND o."milestoneIndex" > me."milestoneIndex")::int << 2),
         1, CASE WHEN k.kind = 'me' THEN o."amount" ELSE 0 END, 0, NULL
    FROM "MilestoneEvent" me JOIN "Opportunity" o ON o."id" = me."opportunityId"
   CROSS JOIN (VALUES ('me'), ('meo')) AS k(kind)
  UNION ALL
  -- Moved-on visits by the day entered and the day left: what a period ending before the move
  -- must not count as advanced.
  SELECT me."opportunityId", k.kind, report_rollup_day(me."enteredAt"),
         CASE WHEN k.kind = 'mk2' THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE me."ownerId" END,
         me."milestoneIndex", report_rollup_day(me."leftAt"), 0, 1, 0, 0, NULL
    FROM "MilestoneEvent" me JOIN "Opportunity" o ON o."id" = me."opportunityId"
   CROSS JOIN (VALUES ('mk2'), ('mk2o')) AS k(kind)
   WHERE me."leftAt" IS NOT NULL AND o."milestoneIndex" > me."milestoneIndex"
  UNION ALL
  -- Visits left (velocity), skipped ones excepted: x = days spent.
  SELECT me."opportunityId", 'ml', report_rollup_day(me."leftAt"), '00000000-0000-0000-0000-000000000000'::uuid,
         me."milestoneIndex", '-infinity'::date, 0, 1, 0, extract(epoch FROM me."leftAt" - me."enteredAt") / 86400, NULL
    FROM "MilestoneEvent" me
   WHERE me."leftAt" IS NOT NULL AND NOT me."skipped"
  UNION ALL
  -- Distinct deals per period: each visit with the day of the deal's previous visit; a deal
  -- advanced in [from, to) iff one of its visits entered then follows one entered before `from`.
  SELECT v."opportunityId", 'adv', report_rollup_day(v."enteredAt"), '00000000-0000-0000-0000-000000000000'::uuid,
         -1, coalesce(report_rollup_day(v.prev), '-infinity'::date), 0, 1, o."amount", 0, NULL
    FROM (SELECT me."opportunityId", me."enteredAt",
                 lag(me."enteredAt") OVER (PARTITION BY me."opportunityId" ORDER BY me."enteredAt", me."milestoneIndex") AS prev
            FROM "MilestoneEvent" me) v
    JOIN "Opportunity" o ON o."id" = v."opportunityId"
  UNION ALL
  -- The same for journal events: stalled (sla_breached) and lost.
  SELECT e."opportunityId", CASE WHEN e."type" = 'lost' THEN 'lost' ELSE 'stall' END, report_rollup_day(e."occurredAt"),
         '00000000-0000-0000-0000-000000000000'::uuid, -1, coalesce(report_rollup_day(e.prev), '-infinity'::date),
         0, 1, o."amount", 0, NULL
    FROM (SELECT ev."opportunityId", ev."type", ev."occurredAt",
                 lag(ev."occurredAt") OVER (PARTITION BY ev."opportunityId", ev."type" ORDER BY ev."occurredAt", ev."seq") AS prev
            FROM "OpportunityEvent" ev WHERE ev."type" IN ('sla_breached', 'lost')) e
    JOIN "Opportunity" o ON o."id" = e."opportunityId"
  UNION ALL
  -- Approvals decided, per approval kind: x = hours waited, mx = the longest wait.
  SELECT a."opportunityId", 'apd:' || a."kind", report_rollup_day(a."decidedAt"),
         '00000000-0000-0000-0000-000000000000'::uuid, -1, '-infinity'::date, 0, 1, 0,
         extract(epoch FROM a."decidedAt" - a."requestedAt") / 3600, extract(epoch FROM a."decidedAt" - a."requestedAt") / 3600
    FROM "Approval" a
   WHERE a."status" IN ('approved', 'rejected') AND a."decidedAt" IS NOT NULL;

-- Brings one deal's contributions up to date: out with its ledger rows, in with its current ones.
-- Buckets are written in key order, so two deals' refreshes never deadlock on each other. A
-- bucket's longest approval wait (mx) only grows as entries come in; when one of its entries goes
-- (an approval cancelled, a deal deleted) it is read again from the approvals of that kind and day.
CREATE FUNCTION report_rollup_refresh(deal text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  shrunk text[];
BEGIN
  IF to_regclass('pg_temp.report_rollup_fresh') IS NULL THEN
    CREATE TEMP TABLE report_rollup_fresh (LIKE "ReportRollupEntry") ON COMMIT DELETE ROWS;
  ELSE
    DELETE FROM report_rollup_fresh;
  END IF;
  INSERT INTO report_rollup_fresh
  SELECT deal, s."kind", s."day", s."ownerId", s."idx", s."d2", s."flags", sum(s."n"), sum(s."amount"), sum(s."x"), max(s."mx")
    FROM report_rollup.source s WHERE s."opportunityId" = deal
   GROUP BY 2, 3, 4, 5, 6, 7;
  SELECT array_agg(o."kind" || '|' || o."day")
    INTO shrunk
    FROM (SELECT l."kind", l."day", l."ownerId", l."idx", l."d2", l."flags", l."n", l."x", l."mx"
            FROM "ReportRollupEntry" l WHERE l."opportunityId" = deal AND l."mx" IS NOT NULL
          EXCEPT
          SELECT f."kind", f."day", f."ownerId", f."idx", f."d2", f."flags", f."n", f."x", f."mx"
            FROM report_rollup_fresh f) o;
  INSERT INTO "ReportRollup" AS r ("kind", "day", "ownerId", "idx", "d2", "flags", "n", "amount", "x", "mx")
  SELECT c."kind", c."day", c."ownerId", c."idx", c."d2", c."flags", sum(c."n"), sum(c."amount"), sum(c."x"),
         max(c."mx") FILTER (WHERE c.side = 1)
    FROM (SELECT 1 AS side, f."kind", f."day", f."ownerId", f."idx", f."d2", f."flags", f."n", f."amount", f."x", f."mx"
            FROM report_rollup_fresh f
          UNION ALL
          SELECT -1, l."kind", l."day", l."ownerId", l."idx", l."d2", l."flags", -l."n", -l."amount", -l."x", l."mx"
            FROM "ReportRollupEntry" l WHERE l."opportunityId" = deal) c
   GROUP BY 1, 2, 3, 4, 5, 6
  HAVING sum(c."n") <> 0 OR sum(c."amount") <> 0 OR sum(c."x") <> 0
   ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ("kind", "day", "ownerId", "idx", "d2", "flags") DO UPDATE
     SET "n" = r."n" + EXCLUDED."n", "amount" = r."amount" + EXCLUDED."amount", "x" = r."x" + EXCLUDED."x",
         "mx" = greatest(r."mx", EXCLUDED."mx");
  DELETE FROM "ReportRollupEntry" WHERE "opportunityId" = deal;
  INSERT INTO "ReportRollupEntry" SELECT * FROM report_rollup_fresh;
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

-- Rebuilds everything from the read model (the migration's backfill and `npm run reports:rebuild-rollups`).
CREATE FUNCTION report_rollup_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE "ReportRollup", "ReportRollupEntry" IN EXCLUSIVE MODE;
  TRUNCATE "ReportRollup", "ReportRollupEntry";
  INSERT INTO "ReportRollupEntry" ("opportunityId", "kind", "day", "ownerId", "idx", "d2", "flags", "n", "amount", "x", "mx")
  SELECT s."opportunityId", s."kind", s."day", s."ownerId", s."idx", s."d2", s."flags", sum(s."n"), sum(s."amount"), sum(s."x"), max(s."mx")
    FROM report_rollup.source s GROUP BY 1, 2, 3, 4, 5, 6, 7;
  INSERT INTO "ReportRollup" ("kind", "day", "ownerId", "idx", "d2", "flags", "n", "amount", "x", "mx")
  SELECT l."kind", l."day", l."ownerId", l."idx", l."d2", l."flags", sum(l."n"), sum(l."amount"), sum(l."x"), max(l."mx")
    FROM "ReportRollupEntry" l GROUP BY 1, 2, 3, 4, 5, 6;
END $$;

CREATE FUNCTION report_rollup_mark() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE deal text;
BEGIN
  IF TG_TABLE_NAME = 'Opportunity' THEN
    deal := CASE WHEN TG_OP = 'DELETE' THEN OLD."id" ELSE NEW."id" END;
  ELSE
    deal := CASE WHEN TG_OP = 'DELETE' THEN OLD."opportunityId" ELSE NEW."opportunityId" END;
  END IF;
  INSERT INTO report_rollup.dirty ("opportunityId") VALUES (deal) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE FUNCTION report_rollup_flush() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_rollup_refresh(NEW."opportunityId");
  DELETE FROM report_rollup.dirty WHERE "opportunityId" = NEW."opportunityId";
  RETURN NULL;
END $$;

CREATE TRIGGER report_rollup_opportunity AFTER INSERT OR DELETE OR UPDATE OF
  "amount", "ownerId", "milestoneIndex", "probability", "status", "expectedCloseDate", "stageEnteredAt",
  "stalled", "createdAt", "closedAt"
  ON "Opportunity" FOR EACH ROW EXECUTE FUNCTION report_rollup_mark();
CREATE TRIGGER report_rollup_milestone AFTER INSERT OR UPDATE OR DELETE ON "MilestoneEvent"
  FOR EACH ROW EXECUTE FUNCTION report_rollup_mark();
CREATE TRIGGER report_rollup_approval AFTER INSERT OR UPDATE OR DELETE ON "Approval"
  FOR EACH ROW EXECUTE FUNCTION report_rollup_mark();
CREATE TRIGGER report_rollup_event_insert AFTER INSERT ON "OpportunityEvent"
  FOR EACH ROW WHEN (NEW."type" IN ('sla_breached', 'lost')) EXECUTE FUNCTION report_rollup_mark();
CREATE TRIGGER report_rollup_event_change AFTER UPDATE OR DELETE ON "OpportunityEvent"
  FOR EACH ROW WHEN (OLD."type" IN ('sla_breached', 'lost')) EXECUTE FUNCTION report_rollup_mark();
CREATE CONSTRAINT TRIGGER report_rollup_flush AFTER INSERT ON report_rollup.dirty
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION report_rollup_flush();

SELECT report_rollup_rebuild();
