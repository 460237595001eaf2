-- C3 (issue 11): reserveClaim as one statement. The interactive transaction it replaces held a pooled
-- connection and Prisma's 5 s transaction clock while it queued on the rep's advisory lock, so 16
-- claims at once for one rep on a loaded machine failed with P2028 (transaction expired) although
-- none was refused. `SELECT * FROM reserve_claim(...)` is one round trip in its own implicit
-- transaction: it waits on the same per-rep lock as long as it takes (no client-side clock), then
-- decides and writes while holding it, and the lock ends with the statement.
--
-- Correctness under the lock: a VOLATILE plpgsql function takes a fresh snapshot for every statement
-- it runs (READ COMMITTED), so the counts read after pg_advisory_xact_lock see every reservation
-- committed before the lock was granted. (A plain CTE would not: it reads the statement's snapshot.)
--
-- The cap default and the daily limit come from the process definition (TypeScript) as arguments.
CREATE OR REPLACE FUNCTION reserve_claim(
  p_request_id text,
  p_account_id text,
  p_user_id uuid,
  p_kind text,
  p_day text,
  p_at timestamptz,
  p_cap_default integer,
  p_daily_limit integer
) RETURNS TABLE (granted boolean, refusal text, refusal_details jsonb)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_cap integer;
  v_count integer;
  v_code text;
  v_details jsonb;
BEGIN
  -- A retried request keeps its first answer (checked again under the lock below).
  RETURN QUERY SELECT r."ok", r."code", r."details" FROM "ClaimReservation" r WHERE r."requestId" = p_request_id;
  IF FOUND THEN RETURN; END IF;

  -- One reservation per rep at a time: the counts below and the writes are one decision.
  PERFORM pg_advisory_xact_lock(hashtext('claim-holder'), hashtext(p_user_id::text));

  RETURN QUERY SELECT r."ok", r."code", r."details" FROM "ClaimReservation" r WHERE r."requestId" = p_request_id;
  IF FOUND THEN RETURN; END IF;

  -- A handover of a leaver's book is the admin's decision: the successor may end above the cap.
  IF p_kind <> 'handover' THEN
    SELECT t."cap" INTO v_cap
      FROM "User" u JOIN "TeamClaimCap" t ON t."managerId" = u."managerId"
     WHERE u."id" = p_user_id;
    v_cap := COALESCE(v_cap, p_cap_default);
    SELECT count(*) INTO v_count
      FROM "ClaimHolding" h
     WHERE h."userId" = p_user_id AND h."accountId" <> p_account_id;
    IF v_count >= v_cap THEN
      v_code := 'CLAIM_CAP_REACHED';
      v_details := jsonb_build_object('current', v_count, 'cap', v_cap);
    END IF;
  END IF;

  IF v_code IS NULL AND p_kind = 'claim' THEN
    SELECT count(*) INTO v_count
      FROM "ClaimReservation" r
     WHERE r."userId" = p_user_id AND r."day" = p_day AND r."kind" = 'claim' AND r."ok";
    IF v_count >= p_daily_limit THEN
      v_code := 'CLAIM_DAILY_LIMIT';
      v_details := jsonb_build_object('today', v_count, 'limit', p_daily_limit);
    END IF;
  END IF;

  IF v_code IS NULL THEN
    INSERT INTO "ClaimHolding" ("accountId", "userId", "requestId", "at")
    VALUES (p_account_id, p_user_id, p_request_id, p_at AT TIME ZONE 'UTC')
    ON CONFLICT ("accountId") DO UPDATE
      SET "userId" = EXCLUDED."userId", "requestId" = EXCLUDED."requestId", "at" = EXCLUDED."at";
  END IF;

  INSERT INTO "ClaimReservation" ("requestId", "accountId", "userId", "kind", "day", "ok", "code", "details", "at")
  VALUES (p_request_id, p_account_id, p_user_id, p_kind, p_day, v_code IS NULL, v_code, v_details,
          p_at AT TIME ZONE 'UTC');

  RETURN QUERY SELECT v_code IS NULL, v_code, v_details;
END
$fn$;
