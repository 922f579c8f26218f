-- CreateEnum
CREATE TYPE "RetryPayer" AS ENUM ('CITIZEN', 'POST_OFFICE', 'AGENCY');

-- CreateEnum
CREATE TYPE "CalendarDayKind" AS ENUM ('HOLIDAY', 'WORKING_WEEKEND');

-- CreateEnum
CREATE TYPE "MonthlyReportStatus" AS ENUM ('DRAFT', 'SUBMITTED');

-- AlterTable
ALTER TABLE "Dossier" ADD COLUMN     "watchedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Handover" ADD COLUMN     "eventId" UUID,
ADD COLUMN     "recordedByRef" TEXT,
ADD COLUMN     "stepDueAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DeliveryBooking" ADD COLUMN     "completedAt" TIMESTAMP(3),
ADD COLUMN     "dispatchedAt" TIMESTAMP(3),
ADD COLUMN     "failedAt" TIMESTAMP(3),
ADD COLUMN     "failureReason" TEXT,
ADD COLUMN     "retryPaidBy" "RetryPayer";

-- AlterTable
ALTER TABLE "StaffUser" ADD COLUMN     "telegramChatId" TEXT,
ADD COLUMN     "telegramLinkCodeExpiresAt" TIMESTAMP(3),
ADD COLUMN     "telegramLinkCodeHash" TEXT,
ADD COLUMN     "telegramLinkedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Apology" (
    "id" UUID NOT NULL,
    "dossierId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "previousDueAt" TIMESTAMP(3),
    "newDueAt" TIMESTAMP(3) NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "issuedBy" TEXT NOT NULL,
    "issuedByName" TEXT NOT NULL,
    "eventId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Apology_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarDay" (
    "date" DATE NOT NULL,
    "kind" "CalendarDayKind" NOT NULL,
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "confirmed" BOOLEAN NOT NULL DEFAULT false,
    "updatedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarDay_pkey" PRIMARY KEY ("date")
);

-- CreateTable
CREATE TABLE "MonthlyReport" (
    "id" UUID NOT NULL,
    "unitCode" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "results" TEXT NOT NULL DEFAULT '',
    "strengths" TEXT NOT NULL DEFAULT '',
    "limitations" TEXT NOT NULL DEFAULT '',
    "proposals" TEXT NOT NULL DEFAULT '',
    "status" "MonthlyReportStatus" NOT NULL DEFAULT 'DRAFT',
    "preparedAt" TIMESTAMP(3),
    "remindedAt" TIMESTAMP(3),
    "figures" JSONB,
    "submittedAt" TIMESTAMP(3),
    "submittedBy" TEXT,
    "submittedByName" TEXT,
    "updatedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MonthlyReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Apology_dossierId_key" ON "Apology"("dossierId");

-- CreateIndex
CREATE INDEX "Apology_issuedAt_idx" ON "Apology"("issuedAt");

-- CreateIndex
CREATE UNIQUE INDEX "MonthlyReport_unitCode_month_key" ON "MonthlyReport"("unitCode", "month");

-- CreateIndex
CREATE INDEX "Dossier_communeCode_receivedAt_idx" ON "Dossier"("communeCode", "receivedAt");

-- CreateIndex
CREATE INDEX "DossierEvent_status_occurredAt_idx" ON "DossierEvent"("status", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "Handover_eventId_key" ON "Handover"("eventId");

-- CreateIndex
CREATE INDEX "Handover_handedAt_idx" ON "Handover"("handedAt");

-- CreateIndex
CREATE UNIQUE INDEX "StaffUser_telegramChatId_key" ON "StaffUser"("telegramChatId");

-- CreateIndex
CREATE UNIQUE INDEX "StaffUser_telegramLinkCodeHash_key" ON "StaffUser"("telegramLinkCodeHash");

-- AddForeignKey
ALTER TABLE "Handover" ADD CONSTRAINT "Handover_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "DossierEvent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Apology" ADD CONSTRAINT "Apology_dossierId_fkey" FOREIGN KEY ("dossierId") REFERENCES "Dossier"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Apology" ADD CONSTRAINT "Apology_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "DossierEvent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MonthlyReport" ADD CONSTRAINT "MonthlyReport_unitCode_fkey" FOREIGN KEY ("unitCode") REFERENCES "AdminUnit"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
