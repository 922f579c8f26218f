-- CreateTable
CREATE TABLE "EarlyReceipt" (
    "id" UUID NOT NULL,
    "channel" "ChannelKind" NOT NULL,
    "providerMessageId" TEXT,
    "noticeId" UUID,
    "status" TEXT NOT NULL,
    "errorCode" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EarlyReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EarlyReceipt_providerMessageId_idx" ON "EarlyReceipt"("providerMessageId");

-- CreateIndex
CREATE INDEX "EarlyReceipt_noticeId_idx" ON "EarlyReceipt"("noticeId");

-- CreateIndex
CREATE INDEX "EarlyReceipt_receivedAt_idx" ON "EarlyReceipt"("receivedAt");
