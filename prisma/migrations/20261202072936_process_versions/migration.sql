-- AlterTable
ALTER TABLE "Opportunity" ADD COLUMN     "processVersion" INTEGER NOT NULL DEFAULT 1;
