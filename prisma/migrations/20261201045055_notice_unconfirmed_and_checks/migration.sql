-- AlterEnum
ALTER TYPE "NoticeStatus" ADD VALUE 'UNCONFIRMED';

-- AlterTable
ALTER TABLE "Notice" ADD COLUMN     "checkAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Notice_status_checkAt_idx" ON "Notice"("status", "checkAt");
