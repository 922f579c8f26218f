-- CreateIndex
CREATE INDEX "Notice_createdAt_idx" ON "Notice"("createdAt");
