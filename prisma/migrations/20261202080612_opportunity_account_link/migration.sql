-- C1 (issue 11): every deal belongs to an account. Whoever writes an Opportunity row (the projection,
-- the reconciler, a repair) links it by its account name, normalised as src/customers/normalize-name.ts
-- does: an existing account with that normalised name, else a new one held by the deal's owner at
-- step intent (as the `accounts` backfill made them). The workflow keeps its account string; a row
-- that already has accountId keeps it unless its account name changes.
CREATE OR REPLACE FUNCTION opportunity_link_account() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  nn text;
  acc text;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW."account" = OLD."account" AND NEW."accountId" IS NOT NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' AND NEW."accountId" IS NOT NULL THEN
    RETURN NEW;
  END IF;
  nn := account_normalized_name(NEW."account");
  SELECT "id" INTO acc FROM "Account" WHERE "normalizedName" = nn;
  IF acc IS NULL THEN
    INSERT INTO "Account" ("id", "name", "normalizedName", "funnelStep", "ownerId", "claimedAt",
                           "createdById", "createdAt", "updatedAt")
    VALUES ('acc-' || replace(gen_random_uuid()::text, '-', ''), NEW."account", nn, 'intent',
            NEW."ownerId", now(), NEW."ownerId", now(), now())
    ON CONFLICT DO NOTHING;
    SELECT "id" INTO acc FROM "Account" WHERE "normalizedName" = nn;
  END IF;
  NEW."accountId" := acc;
  RETURN NEW;
END
$fn$;

CREATE TRIGGER opportunity_link_account BEFORE INSERT OR UPDATE OF "account", "accountId" ON "Opportunity"
  FOR EACH ROW EXECUTE FUNCTION opportunity_link_account();

-- Deals projected since the `accounts` migration ran.
UPDATE "Opportunity" SET "account" = "account" WHERE "accountId" IS NULL;
