-- AlterTable
ALTER TABLE "ChannelIdentity" ADD COLUMN     "followChangedAt" TIMESTAMP(3);
