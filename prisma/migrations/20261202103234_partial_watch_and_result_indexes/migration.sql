-- DropIndex
DROP INDEX "Dossier_watchedAt_idx";

-- DropIndex
DROP INDEX "DossierEvent_status_occurredAt_idx";

-- CreateIndex
CREATE INDEX "Dossier_watchedAt_idx" ON "Dossier"("watchedAt") WHERE ("watchedAt" IS NOT NULL);

-- CreateIndex
CREATE INDEX "DossierEvent_result_occurredAt_idx" ON "DossierEvent"("occurredAt") WHERE (status IN ('RETURNED', 'DELIVERED'));
