-- AlterEnum
ALTER TYPE "AttemptStatus" ADD VALUE 'UNCONFIRMED';

-- AlterTable
ALTER TABLE "Notice" ADD COLUMN     "claimToken" UUID,
ADD COLUMN     "claimedAt" TIMESTAMP(3),
ADD COLUMN     "deliveredAt" TIMESTAMP(3),
ADD COLUMN     "sentAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "SandboxMessage" (
    "id" UUID NOT NULL,
    "channel" "ChannelKind" NOT NULL,
    "recipient" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "payload" JSONB,
    "noticeId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SandboxMessage_createdAt_idx" ON "SandboxMessage"("createdAt");

-- CreateIndex
CREATE INDEX "SandboxMessage_noticeId_idx" ON "SandboxMessage"("noticeId");
