-- AlterTable
ALTER TABLE "DeliveryBooking" ADD COLUMN     "recipientIsApplicant" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "LookupFailure" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "LookupFailure_pkey" PRIMARY KEY ("scope","key")
);

-- CreateTable
CREATE TABLE "OneTimeCode" (
    "id" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "conversation" TEXT NOT NULL,
    "citizenId" UUID NOT NULL,
    "codeHash" TEXT NOT NULL,
    "tries" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OneTimeCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LookupFailure_windowStart_idx" ON "LookupFailure"("windowStart");

-- CreateIndex
CREATE INDEX "OneTimeCode_subject_createdAt_idx" ON "OneTimeCode"("subject", "createdAt");

-- CreateIndex
CREATE INDEX "OneTimeCode_conversation_createdAt_idx" ON "OneTimeCode"("conversation", "createdAt");
