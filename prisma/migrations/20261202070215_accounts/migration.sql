-- AlterTable
ALTER TABLE "Opportunity" ADD COLUMN     "accountId" TEXT;

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "normalizedName" TEXT NOT NULL,
    "creditCode" TEXT,
    "industry" TEXT,
    "region" TEXT,
    "size" TEXT,
    "source" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notes" TEXT,
    "funnelStep" TEXT NOT NULL DEFAULT 'target',
    "ownerId" UUID,
    "claimedAt" TIMESTAMP(3),
    "lapsesAt" TIMESTAMP(3),
    "warnsAt" TIMESTAMP(3),
    "lastSalesActionAt" TIMESTAMP(3),
    "protected" BOOLEAN NOT NULL DEFAULT false,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "phone" TEXT,
    "email" TEXT,
    "role" TEXT,
    "stance" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountEvent" (
    "accountId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actorId" UUID,
    "at" TIMESTAMP(3) NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "AccountEvent_pkey" PRIMARY KEY ("accountId","seq")
);

-- CreateTable
CREATE TABLE "AccountOwnerChange" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "fromUserId" UUID,
    "toUserId" UUID,
    "actorId" UUID,
    "reason" TEXT NOT NULL,
    "note" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccountOwnerChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Account_normalizedName_key" ON "Account"("normalizedName");

-- CreateIndex
CREATE UNIQUE INDEX "Account_creditCode_key" ON "Account"("creditCode");

-- CreateIndex
CREATE INDEX "Account_ownerId_lapsesAt_idx" ON "Account"("ownerId", "lapsesAt");

-- CreateIndex
CREATE INDEX "Account_industry_idx" ON "Account"("industry");

-- CreateIndex
CREATE INDEX "Account_region_idx" ON "Account"("region");

-- CreateIndex
CREATE INDEX "Account_tags_idx" ON "Account" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "Account_funnelStep_idx" ON "Account"("funnelStep");

-- CreateIndex
CREATE INDEX "Contact_accountId_idx" ON "Contact"("accountId");

-- CreateIndex
CREATE INDEX "AccountOwnerChange_accountId_at_idx" ON "AccountOwnerChange"("accountId", "at");

-- CreateIndex
CREATE INDEX "AccountOwnerChange_fromUserId_at_idx" ON "AccountOwnerChange"("fromUserId", "at");

-- CreateIndex
CREATE INDEX "Opportunity_accountId_idx" ON "Opportunity"("accountId");

-- AddForeignKey
ALTER TABLE "Opportunity" ADD CONSTRAINT "Opportunity_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountEvent" ADD CONSTRAINT "AccountEvent_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountOwnerChange" ADD CONSTRAINT "AccountOwnerChange_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- C1 (issue 11): account_normalized_name(text) is src/customers/normalize-name.ts in SQL; the
-- backfill below uses it and test/customers/accounts-normalize.test.ts proves the two agree.
CREATE OR REPLACE FUNCTION account_normalized_name(raw text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN stripped = '' THEN bare ELSE stripped END
    FROM (SELECT bare,
                 regexp_replace(bare, '(?:股份有限公司|有限责任公司|有限公司|\(集团\)|集团|公司)+$', '') AS stripped
            FROM (SELECT regexp_replace(
                           regexp_replace(
                             btrim(regexp_replace(lower(normalize(raw, NFKC)), '\s+', ' ', 'g')),
                             '(?:[\s,.]+(?:co\.?,?\s*ltd|ltd|limited|inc|incorporated|corp|corporation|llc|gmbh|co)\.?)+$',
                             ''),
                           '\s+', '', 'g') AS bare) b) s
$fn$;

-- Backfill: one account per distinct normalised deal account name. The earliest deal gives the
-- name and createdById; the latest deal's owner holds it (claimedAt = that deal's start; no lapse
-- clock until the account workflow starts); the step is active (a handover accepted), order (a deal
-- won) or intent (deals open or lost).
WITH d AS (
  SELECT o.*, account_normalized_name(o."account") AS nn FROM "Opportunity" o
), g AS (
  SELECT nn,
         (array_agg("account" ORDER BY "createdAt", "id"))[1] AS name,
         (array_agg("ownerId" ORDER BY "createdAt", "id"))[1] AS created_by,
         (array_agg("ownerId" ORDER BY "createdAt" DESC, "id" DESC))[1] AS owner,
         max("createdAt") AS claimed_at,
         min("createdAt") AS created_at,
         bool_or("handoverAcceptedAt" IS NOT NULL) AS active,
         bool_or("status" = 'won') AS won
    FROM d GROUP BY nn
)
INSERT INTO "Account" ("id", "name", "normalizedName", "funnelStep", "ownerId", "claimedAt",
                       "createdById", "createdAt", "updatedAt")
SELECT 'acc-' || md5(nn), name, nn,
       CASE WHEN active THEN 'active' WHEN won THEN 'order' ELSE 'intent' END,
       owner, claimed_at, created_by, created_at, now()
  FROM g;

UPDATE "Opportunity" SET "accountId" = 'acc-' || md5(account_normalized_name("account"));
