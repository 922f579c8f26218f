-- CreateIndex
CREATE INDEX "Dossier_watchedAt_idx" ON "Dossier"("watchedAt");
