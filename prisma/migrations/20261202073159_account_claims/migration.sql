-- CreateTable
CREATE TABLE "ClaimHolding" (
    "accountId" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "requestId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClaimHolding_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "ClaimReservation" (
    "requestId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "code" TEXT,
    "details" JSONB,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClaimReservation_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "TeamClaimCap" (
    "managerId" UUID NOT NULL,
    "cap" INTEGER NOT NULL,
    "setById" UUID NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TeamClaimCap_pkey" PRIMARY KEY ("managerId")
);

-- CreateIndex
CREATE INDEX "ClaimHolding_userId_idx" ON "ClaimHolding"("userId");

-- CreateIndex
CREATE INDEX "ClaimReservation_userId_day_kind_ok_idx" ON "ClaimReservation"("userId", "day", "kind", "ok");
