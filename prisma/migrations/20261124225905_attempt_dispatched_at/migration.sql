-- AlterTable
ALTER TABLE "NoticeAttempt" ADD COLUMN     "dispatchedAt" TIMESTAMP(3);
