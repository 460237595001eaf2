-- CreateEnum
CREATE TYPE "ChannelKind" AS ENUM ('wecom_app', 'wecom_robot', 'dingtalk_app', 'dingtalk_robot', 'feishu_app', 'feishu_robot');

-- CreateEnum
CREATE TYPE "ChannelDeliveryStatus" AS ENUM ('queued', 'sending', 'sent', 'dead');

-- CreateTable
CREATE TABLE "UserChannel" (
    "userId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "channel" "ChannelKind" NOT NULL,
    "platformUserId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UserChannel_pkey" PRIMARY KEY ("userId","position")
);

-- CreateTable
CREATE TABLE "TeamRobot" (
    "managerId" UUID NOT NULL,
    "channel" "ChannelKind" NOT NULL,
    "robot" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TeamRobot_pkey" PRIMARY KEY ("managerId","channel")
);

-- CreateTable
CREATE TABLE "ChannelDelivery" (
    "id" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "channel" "ChannelKind" NOT NULL,
    "recipient" TEXT NOT NULL,
    "userId" UUID,
    "opportunityId" TEXT,
    "template" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "ChannelDeliveryStatus" NOT NULL DEFAULT 'queued',
    "postId" UUID,
    "failureCode" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "ChannelDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelPost" (
    "id" UUID NOT NULL,
    "channel" "ChannelKind" NOT NULL,
    "recipient" TEXT NOT NULL,
    "status" "EmailStatus" NOT NULL DEFAULT 'sending',
    "payload" JSONB NOT NULL,
    "deliveries" INTEGER NOT NULL,
    "claimId" UUID,
    "claimedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "possiblyDuplicated" BOOLEAN NOT NULL DEFAULT false,
    "platformMessageId" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "ChannelPost_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UserChannel_userId_channel_key" ON "UserChannel"("userId", "channel");

-- CreateIndex
CREATE INDEX "ChannelDelivery_channel_recipient_status_createdAt_idx" ON "ChannelDelivery"("channel", "recipient", "status", "createdAt");

-- CreateIndex
CREATE INDEX "ChannelDelivery_postId_idx" ON "ChannelDelivery"("postId");

-- CreateIndex
CREATE INDEX "ChannelDelivery_opportunityId_idx" ON "ChannelDelivery"("opportunityId");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelDelivery_idempotencyKey_channel_recipient_key" ON "ChannelDelivery"("idempotencyKey", "channel", "recipient");

-- CreateIndex
CREATE INDEX "ChannelPost_channel_recipient_createdAt_idx" ON "ChannelPost"("channel", "recipient", "createdAt");

-- AddForeignKey
ALTER TABLE "UserChannel" ADD CONSTRAINT "UserChannel_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamRobot" ADD CONSTRAINT "TeamRobot_managerId_fkey" FOREIGN KEY ("managerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
