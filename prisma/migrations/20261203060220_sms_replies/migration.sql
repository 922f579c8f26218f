-- CreateTable
CREATE TABLE "SmsReply" (
    "id" UUID NOT NULL,
    "phone" TEXT NOT NULL,
    "inboundSid" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "segments" INTEGER NOT NULL DEFAULT 0,
    "providerMessageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SmsReply_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SmsReply_phone_createdAt_idx" ON "SmsReply"("phone", "createdAt");
