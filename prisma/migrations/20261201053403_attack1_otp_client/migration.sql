-- AlterTable
ALTER TABLE "OneTimeCode" ADD COLUMN     "client" TEXT;

-- CreateIndex
CREATE INDEX "OneTimeCode_client_createdAt_idx" ON "OneTimeCode"("client", "createdAt");
