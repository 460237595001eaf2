-- DropIndex
DROP INDEX "OpportunityEvent_type_occurredAt_idx";

-- CreateIndex
CREATE INDEX "Opportunity_status_closedAt_idx" ON "Opportunity"("status", "closedAt");

-- CreateIndex
CREATE INDEX "OpportunityEvent_type_occurredAt_opportunityId_idx" ON "OpportunityEvent"("type", "occurredAt", "opportunityId");

-- CreateIndex
CREATE INDEX "MilestoneEvent_ownerId_enteredAt_idx" ON "MilestoneEvent"("ownerId", "enteredAt");

-- CreateIndex
CREATE INDEX "MilestoneEvent_ownerId_leftAt_idx" ON "MilestoneEvent"("ownerId", "leftAt");

-- CreateIndex
CREATE INDEX "MilestoneEvent_enteredAt_opportunityId_idx" ON "MilestoneEvent"("enteredAt", "opportunityId");
