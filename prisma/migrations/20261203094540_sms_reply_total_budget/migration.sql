-- CreateIndex
CREATE INDEX "SmsReply_createdAt_idx" ON "SmsReply"("createdAt");
