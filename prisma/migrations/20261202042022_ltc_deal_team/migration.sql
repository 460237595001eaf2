-- AlterTable
ALTER TABLE "Opportunity" ADD COLUMN     "closingSummary" JSONB,
ADD COLUMN     "decisionDate" DATE,
ADD COLUMN     "deliveryOwnerId" TEXT,
ADD COLUMN     "executionCompletedAt" TIMESTAMP(3),
ADD COLUMN     "handoverAcceptedAt" TIMESTAMP(3),
ADD COLUMN     "handoverDueAt" TIMESTAMP(3),
ADD COLUMN     "handoverStatus" TEXT,
ADD COLUMN     "kickoffRequired" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "major" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "planRecordedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "OpportunityTeamMember" (
    "opportunityId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OpportunityTeamMember_pkey" PRIMARY KEY ("opportunityId","userId")
);

-- CreateTable
CREATE TABLE "MilestonePlan" (
    "opportunityId" TEXT NOT NULL,
    "milestone" TEXT NOT NULL,
    "milestoneIndex" INTEGER NOT NULL,
    "plannedDate" DATE,
    "actualDate" DATE,
    "skipped" BOOLEAN NOT NULL DEFAULT false,
    "slippageDays" INTEGER,

    CONSTRAINT "MilestonePlan_pkey" PRIMARY KEY ("opportunityId","milestone")
);

-- CreateIndex
CREATE INDEX "OpportunityTeamMember_userId_role_idx" ON "OpportunityTeamMember"("userId", "role");

-- AddForeignKey
ALTER TABLE "OpportunityTeamMember" ADD CONSTRAINT "OpportunityTeamMember_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "Opportunity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MilestonePlan" ADD CONSTRAINT "MilestonePlan_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "Opportunity"("id") ON DELETE CASCADE ON UPDATE CASCADE;
