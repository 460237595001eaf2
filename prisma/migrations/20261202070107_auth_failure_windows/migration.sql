-- CreateTable
CREATE TABLE "AuthFailureWindow" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "resetAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthFailureWindow_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "AuthFailureWindow_resetAt_idx" ON "AuthFailureWindow"("resetAt");
