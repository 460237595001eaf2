-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "nameGrams" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "Account_nameGrams_idx" ON "Account" USING GIN ("nameGrams");

-- C1 (issue 11): the pool search's name index without pg_trgm (db:check cannot create extensions):
-- every character and every pair of adjacent characters of the normalised name, kept by a trigger
-- so any writer (API, import, backfill, benches) gets it. The search asks nameGrams @> grams(q)
-- (GIN) and then normalizedName LIKE %q% for the exact answer.
CREATE OR REPLACE FUNCTION account_name_grams(s text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM (SELECT substr(s, i, 1) AS g FROM generate_series(1, length(s)) AS i
          UNION ALL
          SELECT substr(s, i, 2) FROM generate_series(1, length(s) - 1) AS i) grams
$fn$;

CREATE OR REPLACE FUNCTION account_set_name_grams() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  NEW."nameGrams" := account_name_grams(NEW."normalizedName");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER account_name_grams BEFORE INSERT OR UPDATE OF "normalizedName", "nameGrams" ON "Account"
  FOR EACH ROW EXECUTE FUNCTION account_set_name_grams();

UPDATE "Account" SET "nameGrams" = account_name_grams("normalizedName");
