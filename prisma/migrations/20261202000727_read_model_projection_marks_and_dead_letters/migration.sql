-- CreateTable
CREATE TABLE "ProjectionPending" (
    "token" UUID NOT NULL,
    "opportunityId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "markedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedUntil" TIMESTAMP(3),

    CONSTRAINT "ProjectionPending_pkey" PRIMARY KEY ("token")
);

-- CreateTable
CREATE TABLE "ProjectionDeadLetter" (
    "id" UUID NOT NULL,
    "opportunityId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "sqlState" TEXT,
    "payload" TEXT NOT NULL,
    "occurrences" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProjectionDeadLetter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProjectionPending_markedAt_idx" ON "ProjectionPending"("markedAt");

-- CreateIndex
CREATE INDEX "ProjectionPending_opportunityId_idx" ON "ProjectionPending"("opportunityId");

-- CreateIndex
CREATE INDEX "ProjectionDeadLetter_createdAt_idx" ON "ProjectionDeadLetter"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ProjectionDeadLetter_opportunityId_kind_seq_key" ON "ProjectionDeadLetter"("opportunityId", "kind", "seq");
