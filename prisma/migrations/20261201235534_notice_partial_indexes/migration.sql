-- DropIndex
DROP INDEX "Notice_status_notBefore_idx";

-- DropIndex
DROP INDEX "Notice_status_checkAt_idx";

-- DropIndex
DROP INDEX "Notice_broadcastId_status_idx";

-- DropIndex
DROP INDEX "Notice_identityId_createdAt_idx";

-- CreateIndex
CREATE INDEX "Notice_waiting_idx" ON "Notice"("createdAt", "id") WHERE (status IN ('QUEUED', 'DEFERRED'));

-- CreateIndex
CREATE INDEX "Notice_checkAt_idx" ON "Notice"("checkAt") WHERE ("checkAt" IS NOT NULL);

-- CreateIndex
CREATE INDEX "Notice_claimed_idx" ON "Notice"("claimedAt") WHERE (status = 'SENDING');

-- CreateIndex
CREATE INDEX "Notice_failed_idx" ON "Notice"("updatedAt") WHERE (status = 'FAILED');

-- CreateIndex
CREATE INDEX "Notice_broadcastId_status_idx" ON "Notice"("broadcastId", "status") WHERE ("broadcastId" IS NOT NULL);

-- CreateIndex
CREATE INDEX "Notice_identityId_createdAt_idx" ON "Notice"("identityId", "createdAt") WHERE ("identityId" IS NOT NULL);
