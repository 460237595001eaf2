-- The deal-event queue's index as schema.prisma can state it: (deliveredAt, queuedAt) serves the
-- sweep's "WHERE deliveredAt IS NULL ORDER BY queuedAt" like the partial index did, and keeps the
-- migrations and the schema the same (test/db/migrations.test.ts compares their catalogs).
DROP INDEX IF EXISTS "AccountDealEvent_pending_idx";
CREATE INDEX "AccountDealEvent_deliveredAt_queuedAt_idx" ON "AccountDealEvent"("deliveredAt", "queuedAt");
