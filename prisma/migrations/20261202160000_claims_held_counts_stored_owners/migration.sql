-- The cap counts every account a rep holds, not only those a reservation put in "ClaimHolding":
-- an account whose owner came from the deals backfill, a CSV import or the accounts API has no
-- holding row until its workflow next reserves, so a rep with 50 such accounts could claim 50 more.
-- claims_held() counts the union of the holdings and the read model's owned accounts that are not
-- yet active customers (在网 accounts stay with their owner outside the cap, as the workflow frees
-- their holding), and reserve_claim and the API's "held" figure both use it.
CREATE OR REPLACE FUNCTION claims_held(p_user_id uuid, p_except_account text DEFAULT NULL)
RETURNS integer LANGUAGE sql STABLE AS $fn$
  SELECT count(*)::integer FROM (
    SELECT h."accountId" FROM "ClaimHolding" h WHERE h."userId" = p_user_id
    UNION
    SELECT a."id" FROM "Account" a WHERE a."ownerId" = p_user_id AND a."funnelStep" <> 'active'
  ) AS held ("accountId")
  WHERE p_except_account IS NULL OR held."accountId" <> p_except_account
$fn$;

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
    v_count := claims_held(p_user_id, p_account_id);
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
