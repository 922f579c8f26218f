-- An attempt is written before the provider is called, without the provider's id: a full index
-- took an entry for its NULL then, and another when the result set the id. Partial, the attempt
-- writes one entry (when the id is set). Every query by the id (a receipt's look-up) names one,
-- which implies the condition, so the planner still uses it.

-- DropIndex
DROP INDEX "NoticeAttempt_providerMessageId_idx";

-- CreateIndex
CREATE INDEX "NoticeAttempt_providerMessageId_idx" ON "NoticeAttempt"("providerMessageId") WHERE ("providerMessageId" IS NOT NULL);
