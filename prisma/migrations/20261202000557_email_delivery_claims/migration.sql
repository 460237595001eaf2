-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "EmailStatus" ADD VALUE 'sending';
ALTER TYPE "EmailStatus" ADD VALUE 'dead';

-- AlterTable
ALTER TABLE "EmailMessage" ADD COLUMN     "claimId" UUID,
ADD COLUMN     "claimedAt" TIMESTAMP(3),
ADD COLUMN     "possiblyDuplicated" BOOLEAN NOT NULL DEFAULT false;
