-- AlterEnum: new values in the schema's order, unused in this transaction
ALTER TYPE "BroadcastStatus" ADD VALUE 'AWAITING_APPROVAL' BEFORE 'SENDING';
ALTER TYPE "BroadcastStatus" ADD VALUE 'SCHEDULED' BEFORE 'SENDING';

-- DropForeignKey
ALTER TABLE "Broadcast" DROP CONSTRAINT "Broadcast_hamletId_fkey";

-- DropForeignKey
ALTER TABLE "Broadcast" DROP CONSTRAINT "Broadcast_createdById_fkey";

-- AlterTable
ALTER TABLE "Hamlet" ADD COLUMN     "code" TEXT,
ADD COLUMN     "proposedByCitizen" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "Notice" ADD COLUMN     "identityId" UUID;

-- AlterTable
ALTER TABLE "Broadcast" DROP COLUMN "createdById",
DROP COLUMN "hamletId",
ADD COLUMN     "approvedAt" TIMESTAMP(3),
ADD COLUMN     "approvedBy" TEXT,
ADD COLUMN     "approvedByName" TEXT,
ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "cancelledBy" TEXT,
ADD COLUMN     "cancelledByName" TEXT,
ADD COLUMN     "createdBy" TEXT NOT NULL,
ADD COLUMN     "createdByName" TEXT NOT NULL,
ADD COLUMN     "idempotencyKey" TEXT,
ADD COLUMN     "recipientsTotal" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "sendRequestedAt" TIMESTAMP(3),
ADD COLUMN     "sendRequestedBy" TEXT,
ADD COLUMN     "startedAt" TIMESTAMP(3),
ADD COLUMN     "unreachableTotal" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "BroadcastRecipient" ADD COLUMN     "channel" "ChannelKind" NOT NULL,
ADD COLUMN     "hamletId" UUID,
ADD COLUMN     "unreachableReason" TEXT;

-- AlterTable
ALTER TABLE "StaffUser" ADD COLUMN     "lastSignInAt" TIMESTAMP(3),
ADD COLUMN     "mustChangePassword" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "passwordChangedAt" TIMESTAMP(3),
ADD COLUMN     "passwordHash" TEXT;

-- CreateTable
CREATE TABLE "BroadcastHamlet" (
    "broadcastId" UUID NOT NULL,
    "hamletId" UUID NOT NULL,

    CONSTRAINT "BroadcastHamlet_pkey" PRIMARY KEY ("broadcastId","hamletId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Hamlet_communeCode_code_key" ON "Hamlet"("communeCode", "code");

-- CreateIndex
CREATE INDEX "Notice_broadcastId_status_idx" ON "Notice"("broadcastId", "status");

-- CreateIndex
CREATE INDEX "Notice_identityId_createdAt_idx" ON "Notice"("identityId", "createdAt");

-- CreateIndex
CREATE INDEX "Broadcast_status_scheduledAt_idx" ON "Broadcast"("status", "scheduledAt");

-- CreateIndex
CREATE UNIQUE INDEX "Broadcast_createdBy_idempotencyKey_key" ON "Broadcast"("createdBy", "idempotencyKey");

-- CreateIndex
CREATE INDEX "BroadcastRecipient_broadcastId_hamletId_idx" ON "BroadcastRecipient"("broadcastId", "hamletId");

-- AddForeignKey
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "ChannelIdentity"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BroadcastHamlet" ADD CONSTRAINT "BroadcastHamlet_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BroadcastHamlet" ADD CONSTRAINT "BroadcastHamlet_hamletId_fkey" FOREIGN KEY ("hamletId") REFERENCES "Hamlet"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BroadcastRecipient" ADD CONSTRAINT "BroadcastRecipient_hamletId_fkey" FOREIGN KEY ("hamletId") REFERENCES "Hamlet"("id") ON DELETE SET NULL ON UPDATE CASCADE;
