-- AlterTable
ALTER TABLE "Handover" ADD COLUMN     "idempotencyKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Handover_recordedByRef_idempotencyKey_key" ON "Handover"("recordedByRef", "idempotencyKey");
