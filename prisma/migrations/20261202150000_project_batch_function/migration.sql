-- S1 (issue 16): the API's projection of command results (projectBatch) as one statement. It ran
-- as an interactive transaction of eight round trips after every command (BEGIN, locks, heads, the
-- events, the row through a compiled Prisma update, the team and plan rows, the marks, COMMIT),
-- and each Prisma query costs the API's event loop CPU the requests need. Now one call in its own
-- implicit transaction does the same, in the same order and under the same per-deal locks; the
-- caller opens a transaction around it only when an event needs more rows written (applyEvent).
--
-- Correctness under the locks: a VOLATILE plpgsql function takes a fresh snapshot for every
-- statement it runs (READ COMMITTED), so each deal's head is read after every projection that
-- held its lock before has committed (as lockHead does with its own statement).

-- A deal's team and plan rows as its snapshot has them (the one copy of that statement: projectLtc
-- in TypeScript calls it too). Rows the snapshot no longer has are deleted, the others upserted,
-- a row that did not change is not written; a member listed twice keeps the first entry.
CREATE OR REPLACE FUNCTION psm_project_ltc(p_id text, p_team jsonb, p_plan jsonb)
RETURNS void LANGUAGE sql VOLATILE AS $fn$
  WITH team AS (
    SELECT DISTINCT ON (x."userId") x."userId", x.role,
      (x."addedAt"::timestamptz AT TIME ZONE 'UTC')::timestamp(3) AS "addedAt"
    FROM jsonb_to_recordset(p_team) AS x("userId" text, role text, "addedAt" text, n int)
    ORDER BY x."userId", x.n
  ), plan AS (
    SELECT * FROM jsonb_to_recordset(p_plan) AS p(milestone text, "milestoneIndex" int,
      "plannedDate" date, "actualDate" date, skipped boolean, "slippageDays" int)
  ), gone_members AS (
    DELETE FROM "OpportunityTeamMember" AS t
    WHERE t."opportunityId" = p_id AND t."userId" NOT IN (SELECT "userId" FROM team)
  ), members AS (
    INSERT INTO "OpportunityTeamMember" AS t ("opportunityId", "userId", role, "addedAt")
    SELECT p_id, "userId", role, "addedAt" FROM team
    ON CONFLICT ("opportunityId", "userId") DO UPDATE SET role = EXCLUDED.role, "addedAt" = EXCLUDED."addedAt"
    WHERE (t.role, t."addedAt") IS DISTINCT FROM (EXCLUDED.role, EXCLUDED."addedAt")
  ), gone_rows AS (
    DELETE FROM "MilestonePlan" AS m
    WHERE m."opportunityId" = p_id AND m.milestone NOT IN (SELECT milestone FROM plan)
  ), rows AS (
    INSERT INTO "MilestonePlan" AS m ("opportunityId", milestone, "milestoneIndex", "plannedDate", "actualDate", skipped, "slippageDays")
    SELECT p_id, milestone, "milestoneIndex", "plannedDate", "actualDate", skipped, "slippageDays" FROM plan
    ON CONFLICT ("opportunityId", milestone) DO UPDATE SET "milestoneIndex" = EXCLUDED."milestoneIndex",
      "plannedDate" = EXCLUDED."plannedDate", "actualDate" = EXCLUDED."actualDate",
      skipped = EXCLUDED.skipped, "slippageDays" = EXCLUDED."slippageDays"
    WHERE (m."milestoneIndex", m."plannedDate", m."actualDate", m.skipped, m."slippageDays")
      IS DISTINCT FROM (EXCLUDED."milestoneIndex", EXCLUDED."plannedDate", EXCLUDED."actualDate", EXCLUDED.skipped, EXCLUDED."slippageDays")
  )
  SELECT;
$fn$;

-- p_items: one object per deal (at most one per deal), from projectBatch:
--   { id, first, seq, events: [{seq, type, actorId, occurredAt, payload}], data: {<column>: value},
--     ltc: {team, plan} | null, markToken: uuid | null }
-- `data` holds the columns the snapshot sets (opportunityData, dates as ISO strings); a column it
-- leaves out keeps its value, as a Prisma update leaves out an undefined field.
-- Returns { outcomes: [{kind: 'alone'} | {kind: 'done', gapAfter}], fresh: [{id, seq}] }: per item
-- in order, and the events inserted now (a repeat inserts none), for the caller's applyEvent.
CREATE OR REPLACE FUNCTION psm_project_batch(p_items jsonb)
RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_item jsonb;
  v_id text;
  v_holds integer;
  v_outcomes jsonb := '[]'::jsonb;
  v_fresh jsonb := '[]'::jsonb;
  v_inserted jsonb;
  d jsonb;
BEGIN
  -- Locks in one order (ids sorted), so two batches never wait on each other in a cycle.
  PERFORM count(pg_advisory_xact_lock(hashtext(s.id)))
  FROM (SELECT i->>'id' AS id FROM jsonb_array_elements(p_items) AS i ORDER BY 1) AS s;

  FOR v_item IN SELECT i FROM jsonb_array_elements(p_items) AS i LOOP
    v_id := v_item->>'id';
    SELECT o."lastEventSeq" INTO v_holds FROM "Opportunity" AS o WHERE o.id = v_id;
    IF NOT FOUND THEN
      v_outcomes := v_outcomes || jsonb_build_array(jsonb_build_object('kind', 'alone'));
      CONTINUE;
    END IF;
    -- Contiguous or refused: events that would leave a gap, bringing a newer snapshot, write nothing.
    IF (v_item->>'first')::int > v_holds + 1 AND (v_item->>'seq')::int > v_holds THEN
      v_outcomes := v_outcomes || jsonb_build_array(jsonb_build_object('kind', 'done', 'gapAfter', v_holds));
      CONTINUE;
    END IF;
    v_outcomes := v_outcomes || jsonb_build_array(jsonb_build_object('kind', 'done', 'gapAfter', NULL));

    WITH ins AS (
      INSERT INTO "OpportunityEvent" ("opportunityId", "seq", "type", "actorId", "occurredAt", "payload")
      SELECT v_id, e.seq, e.type, e."actorId"::uuid, e."occurredAt"::timestamptz AT TIME ZONE 'UTC', e.payload
      FROM jsonb_to_recordset(v_item->'events')
        AS e(seq int, type text, "actorId" text, "occurredAt" text, payload jsonb)
      ON CONFLICT DO NOTHING
      RETURNING seq
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', v_id, 'seq', ins.seq)), '[]'::jsonb) INTO v_inserted FROM ins;
    v_fresh := v_fresh || v_inserted;

    -- Only a newer snapshot moves the row (and its team and plan rows) forward.
    IF (v_item->>'seq')::int > v_holds THEN
      d := v_item->'data';
      UPDATE "Opportunity" AS o SET
        name = CASE WHEN d ? 'name' THEN r.name ELSE o.name END,
        account = CASE WHEN d ? 'account' THEN r.account ELSE o.account END,
        amount = CASE WHEN d ? 'amount' THEN r.amount ELSE o.amount END,
        currency = CASE WHEN d ? 'currency' THEN r.currency ELSE o.currency END,
        "ownerId" = CASE WHEN d ? 'ownerId' THEN r."ownerId" ELSE o."ownerId" END,
        milestone = CASE WHEN d ? 'milestone' THEN r.milestone ELSE o.milestone END,
        "milestoneIndex" = CASE WHEN d ? 'milestoneIndex' THEN r."milestoneIndex" ELSE o."milestoneIndex" END,
        probability = CASE WHEN d ? 'probability' THEN r.probability ELSE o.probability END,
        status = CASE WHEN d ? 'status' THEN r.status ELSE o.status END,
        "expectedCloseDate" = CASE WHEN d ? 'expectedCloseDate' THEN r."expectedCloseDate" ELSE o."expectedCloseDate" END,
        "stageEnteredAt" = CASE WHEN d ? 'stageEnteredAt' THEN r."stageEnteredAt" ELSE o."stageEnteredAt" END,
        "lastActivityAt" = CASE WHEN d ? 'lastActivityAt' THEN r."lastActivityAt" ELSE o."lastActivityAt" END,
        "escalationLevel" = CASE WHEN d ? 'escalationLevel' THEN r."escalationLevel" ELSE o."escalationLevel" END,
        stalled = CASE WHEN d ? 'stalled' THEN r.stalled ELSE o.stalled END,
        "noSponsorWarning" = CASE WHEN d ? 'noSponsorWarning' THEN r."noSponsorWarning" ELSE o."noSponsorWarning" END,
        "lostReason" = CASE WHEN d ? 'lostReason' THEN r."lostReason" ELSE o."lostReason" END,
        "closedAt" = CASE WHEN d ? 'closedAt' THEN r."closedAt" ELSE o."closedAt" END,
        "lastEventSeq" = CASE WHEN d ? 'lastEventSeq' THEN r."lastEventSeq" ELSE o."lastEventSeq" END,
        major = CASE WHEN d ? 'major' THEN r.major ELSE o.major END,
        "kickoffRequired" = CASE WHEN d ? 'kickoffRequired' THEN r."kickoffRequired" ELSE o."kickoffRequired" END,
        "planRecordedAt" = CASE WHEN d ? 'planRecordedAt' THEN r."planRecordedAt" ELSE o."planRecordedAt" END,
        "decisionDate" = CASE WHEN d ? 'decisionDate' THEN r."decisionDate" ELSE o."decisionDate" END,
        "handoverStatus" = CASE WHEN d ? 'handoverStatus' THEN r."handoverStatus" ELSE o."handoverStatus" END,
        "handoverDueAt" = CASE WHEN d ? 'handoverDueAt' THEN r."handoverDueAt" ELSE o."handoverDueAt" END,
        "handoverAcceptedAt" = CASE WHEN d ? 'handoverAcceptedAt' THEN r."handoverAcceptedAt" ELSE o."handoverAcceptedAt" END,
        "deliveryOwnerId" = CASE WHEN d ? 'deliveryOwnerId' THEN r."deliveryOwnerId" ELSE o."deliveryOwnerId" END,
        "closingSummary" = CASE WHEN d ? 'closingSummary' THEN r."closingSummary" ELSE o."closingSummary" END,
        "executionCompletedAt" = CASE WHEN d ? 'executionCompletedAt' THEN r."executionCompletedAt" ELSE o."executionCompletedAt" END,
        "processVersion" = CASE WHEN d ? 'processVersion' THEN r."processVersion" ELSE o."processVersion" END,
        -- Prisma's @updatedAt: the time of the write, in UTC like every timestamp column.
        "projectedAt" = now() AT TIME ZONE 'UTC'
      FROM jsonb_populate_record(NULL::"Opportunity", d) AS r
      WHERE o.id = v_id;
      IF jsonb_typeof(v_item->'ltc') = 'object' THEN
        PERFORM psm_project_ltc(v_id, v_item->'ltc'->'team', v_item->'ltc'->'plan');
      END IF;
    END IF;
    IF jsonb_typeof(v_item->'markToken') = 'string' THEN
      DELETE FROM "ProjectionPending" WHERE token = (v_item->>'markToken')::uuid;
    END IF;
  END LOOP;
  RETURN jsonb_build_object('outcomes', v_outcomes, 'fresh', v_fresh);
END;
$fn$;
