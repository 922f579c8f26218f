-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "AdminLevel" AS ENUM ('PROVINCE', 'COMMUNE');

-- CreateEnum
CREATE TYPE "SourceConfidence" AS ENUM ('HIGH', 'MEDIUM', 'LOW');

-- CreateEnum
CREATE TYPE "ReviewStatus" AS ENUM ('PUBLISHED', 'NEEDS_REVIEW', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "ChannelKind" AS ENUM ('ZALO_OA', 'ZNS', 'TELEGRAM', 'SMS', 'WEB', 'SANDBOX');

-- CreateEnum
CREATE TYPE "DossierStatus" AS ENUM ('REGISTERED', 'RECEIVED', 'REFUSED', 'PROCESSING', 'SUPPLEMENT_REQUIRED', 'PAYMENT_REQUIRED', 'WITHDRAWN', 'STOPPED', 'RESULT_READY', 'RETURNED', 'DELAYED', 'POSTAL_COLLECTED', 'POSTAL_HANDED_TO_DESK', 'RESULT_HANDED_TO_POST', 'OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_FAILED');

-- CreateEnum
CREATE TYPE "SubmissionChannel" AS ENUM ('COUNTER', 'ONLINE', 'POSTAL');

-- CreateEnum
CREATE TYPE "EventSource" AS ENUM ('UPSTREAM', 'STAFF');

-- CreateEnum
CREATE TYPE "HandoverResult" AS ENUM ('EARLY', 'ON_TIME', 'LATE');

-- CreateEnum
CREATE TYPE "NoticeStatus" AS ENUM ('QUEUED', 'SENDING', 'DEFERRED', 'SENT', 'DELIVERED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "AttemptStatus" AS ENUM ('SENDING', 'SENT', 'DELIVERED', 'FAILED');

-- CreateEnum
CREATE TYPE "SubscriptionKind" AS ENUM ('DOSSIER', 'AREA');

-- CreateEnum
CREATE TYPE "BookingKind" AS ENUM ('RESULT_DELIVERY', 'DOSSIER_COLLECTION');

-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('REQUESTED', 'CONFIRMED', 'DISPATCHED', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "BroadcastStatus" AS ENUM ('DRAFT', 'SENDING', 'SENT', 'CANCELLED');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('ADMIN', 'INTEGRATION', 'COMMUNE_STAFF', 'POST_OFFICE_STAFF');

-- CreateTable
CREATE TABLE "AdminUnit" (
    "code" TEXT NOT NULL,
    "level" "AdminLevel" NOT NULL,
    "name" TEXT NOT NULL,
    "fullName" TEXT NOT NULL,
    "unitType" TEXT NOT NULL,
    "searchName" TEXT NOT NULL,
    "parentCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdminUnit_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Hamlet" (
    "id" UUID NOT NULL,
    "communeCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "searchName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Hamlet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Procedure" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "agency" TEXT NOT NULL,
    "processingTime" TEXT NOT NULL,
    "fee" TEXT NOT NULL,
    "postalSubmission" BOOLEAN,
    "postalReturn" BOOLEAN,
    "legalBasis" TEXT[],
    "aliases" TEXT[],
    "toShow" TEXT[],
    "notes" TEXT[],
    "sources" TEXT[],
    "confidence" "SourceConfidence" NOT NULL,
    "reviewStatus" "ReviewStatus" NOT NULL DEFAULT 'NEEDS_REVIEW',
    "dataAsOf" TEXT,
    "sourceHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Procedure_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "ProcedureDocument" (
    "id" UUID NOT NULL,
    "procedureCode" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "formNumber" TEXT,
    "originals" INTEGER NOT NULL DEFAULT 0,
    "copies" INTEGER NOT NULL DEFAULT 0,
    "note" TEXT,

    CONSTRAINT "ProcedureDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Citizen" (
    "id" UUID NOT NULL,
    "phone" TEXT,
    "fullName" TEXT,
    "preferredChannels" "ChannelKind"[],
    "optedOutAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Citizen_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelIdentity" (
    "id" UUID NOT NULL,
    "channel" "ChannelKind" NOT NULL,
    "externalId" TEXT NOT NULL,
    "citizenId" UUID,
    "displayName" TEXT,
    "consentAt" TIMESTAMP(3),
    "optedOutAt" TIMESTAMP(3),
    "reachable" BOOLEAN NOT NULL DEFAULT true,
    "lastInteractionAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dossier" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "procedureCode" TEXT,
    "procedureName" TEXT,
    "applicantId" UUID NOT NULL,
    "communeCode" TEXT,
    "channel" "SubmissionChannel" NOT NULL DEFAULT 'COUNTER',
    "receivedAt" TIMESTAMP(3),
    "dueAt" TIMESTAMP(3),
    "newDueAt" TIMESTAMP(3),
    "status" "DossierStatus" NOT NULL,
    "statusAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Dossier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DossierEvent" (
    "id" UUID NOT NULL,
    "eventId" TEXT NOT NULL,
    "dossierId" UUID NOT NULL,
    "status" "DossierStatus" NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "note" TEXT,
    "source" "EventSource" NOT NULL DEFAULT 'UPSTREAM',
    "applied" BOOLEAN NOT NULL DEFAULT true,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DossierEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Handover" (
    "id" UUID NOT NULL,
    "dossierId" UUID NOT NULL,
    "fromUnit" TEXT NOT NULL,
    "toUnit" TEXT NOT NULL,
    "handedBy" TEXT NOT NULL,
    "receivedBy" TEXT NOT NULL,
    "handedAt" TIMESTAMP(3) NOT NULL,
    "result" "HandoverResult" NOT NULL,
    "note" TEXT,
    "postalReceipt" TEXT,
    "recordedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Handover_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "citizenId" UUID,
    "dossierId" UUID,
    "eventId" UUID,
    "broadcastId" UUID,
    "channelPlan" "ChannelKind"[],
    "channelIndex" INTEGER NOT NULL DEFAULT 0,
    "variables" JSONB NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "status" "NoticeStatus" NOT NULL DEFAULT 'QUEUED',
    "notBefore" TIMESTAMP(3),
    "dedupeKey" TEXT NOT NULL,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NoticeAttempt" (
    "id" UUID NOT NULL,
    "noticeId" UUID NOT NULL,
    "channel" "ChannelKind" NOT NULL,
    "attemptNo" INTEGER NOT NULL,
    "status" "AttemptStatus" NOT NULL DEFAULT 'SENDING',
    "recipient" TEXT,
    "providerMessageId" TEXT,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "outcome" TEXT,
    "text" TEXT,
    "segments" INTEGER,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),

    CONSTRAINT "NoticeAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Subscription" (
    "id" UUID NOT NULL,
    "kind" "SubscriptionKind" NOT NULL,
    "identityId" UUID NOT NULL,
    "citizenId" UUID,
    "dossierId" UUID,
    "communeCode" TEXT,
    "hamletId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelledAt" TIMESTAMP(3),

    CONSTRAINT "Subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryBooking" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "kind" "BookingKind" NOT NULL,
    "dossierId" UUID,
    "procedureCode" TEXT,
    "citizenId" UUID,
    "identityId" UUID,
    "recipientName" TEXT NOT NULL,
    "recipientPhone" TEXT NOT NULL,
    "communeCode" TEXT NOT NULL,
    "hamletId" UUID,
    "addressLine" TEXT NOT NULL,
    "timeWindow" TEXT NOT NULL,
    "postage" INTEGER NOT NULL,
    "status" "BookingStatus" NOT NULL DEFAULT 'REQUESTED',
    "waybillCode" TEXT,
    "handledById" UUID,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "cancelledAt" TIMESTAMP(3),

    CONSTRAINT "DeliveryBooking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Broadcast" (
    "id" UUID NOT NULL,
    "communeCode" TEXT NOT NULL,
    "hamletId" UUID,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "status" "BroadcastStatus" NOT NULL DEFAULT 'DRAFT',
    "createdById" UUID,
    "scheduledAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Broadcast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BroadcastRecipient" (
    "id" UUID NOT NULL,
    "broadcastId" UUID NOT NULL,
    "identityId" UUID NOT NULL,
    "noticeId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BroadcastRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffUser" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "fullName" TEXT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "unitCode" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StaffUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "unitCode" TEXT,
    "staffUserId" UUID,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderToken" (
    "provider" TEXT NOT NULL,
    "accessToken" TEXT NOT NULL,
    "refreshToken" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProviderToken_pkey" PRIMARY KEY ("provider")
);

-- CreateTable
CREATE TABLE "ProcessedWebhook" (
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedWebhook_pkey" PRIMARY KEY ("source","externalId")
);

-- CreateIndex
CREATE INDEX "AdminUnit_level_searchName_idx" ON "AdminUnit"("level", "searchName");

-- CreateIndex
CREATE INDEX "AdminUnit_parentCode_idx" ON "AdminUnit"("parentCode");

-- CreateIndex
CREATE UNIQUE INDEX "Hamlet_communeCode_searchName_key" ON "Hamlet"("communeCode", "searchName");

-- CreateIndex
CREATE UNIQUE INDEX "ProcedureDocument_procedureCode_position_key" ON "ProcedureDocument"("procedureCode", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Citizen_phone_key" ON "Citizen"("phone");

-- CreateIndex
CREATE INDEX "ChannelIdentity_citizenId_idx" ON "ChannelIdentity"("citizenId");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelIdentity_channel_externalId_key" ON "ChannelIdentity"("channel", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Dossier_code_key" ON "Dossier"("code");

-- CreateIndex
CREATE INDEX "Dossier_communeCode_status_idx" ON "Dossier"("communeCode", "status");

-- CreateIndex
CREATE INDEX "Dossier_applicantId_idx" ON "Dossier"("applicantId");

-- CreateIndex
CREATE UNIQUE INDEX "DossierEvent_eventId_key" ON "DossierEvent"("eventId");

-- CreateIndex
CREATE INDEX "DossierEvent_dossierId_occurredAt_idx" ON "DossierEvent"("dossierId", "occurredAt");

-- CreateIndex
CREATE INDEX "Handover_dossierId_handedAt_idx" ON "Handover"("dossierId", "handedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notice_dedupeKey_key" ON "Notice"("dedupeKey");

-- CreateIndex
CREATE INDEX "Notice_status_notBefore_idx" ON "Notice"("status", "notBefore");

-- CreateIndex
CREATE INDEX "Notice_dossierId_idx" ON "Notice"("dossierId");

-- CreateIndex
CREATE INDEX "NoticeAttempt_providerMessageId_idx" ON "NoticeAttempt"("providerMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "NoticeAttempt_noticeId_channel_attemptNo_key" ON "NoticeAttempt"("noticeId", "channel", "attemptNo");

-- CreateIndex
CREATE INDEX "Subscription_identityId_idx" ON "Subscription"("identityId");

-- CreateIndex
CREATE INDEX "Subscription_communeCode_hamletId_idx" ON "Subscription"("communeCode", "hamletId");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryBooking_reference_key" ON "DeliveryBooking"("reference");

-- CreateIndex
CREATE INDEX "DeliveryBooking_communeCode_status_idx" ON "DeliveryBooking"("communeCode", "status");

-- CreateIndex
CREATE INDEX "DeliveryBooking_dossierId_idx" ON "DeliveryBooking"("dossierId");

-- CreateIndex
CREATE INDEX "Broadcast_communeCode_createdAt_idx" ON "Broadcast"("communeCode", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "BroadcastRecipient_noticeId_key" ON "BroadcastRecipient"("noticeId");

-- CreateIndex
CREATE UNIQUE INDEX "BroadcastRecipient_broadcastId_identityId_key" ON "BroadcastRecipient"("broadcastId", "identityId");

-- CreateIndex
CREATE UNIQUE INDEX "StaffUser_username_key" ON "StaffUser"("username");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- AddForeignKey
ALTER TABLE "AdminUnit" ADD CONSTRAINT "AdminUnit_parentCode_fkey" FOREIGN KEY ("parentCode") REFERENCES "AdminUnit"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Hamlet" ADD CONSTRAINT "Hamlet_communeCode_fkey" FOREIGN KEY ("communeCode") REFERENCES "AdminUnit"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProcedureDocument" ADD CONSTRAINT "ProcedureDocument_procedureCode_fkey" FOREIGN KEY ("procedureCode") REFERENCES "Procedure"("code") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelIdentity" ADD CONSTRAINT "ChannelIdentity_citizenId_fkey" FOREIGN KEY ("citizenId") REFERENCES "Citizen"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dossier" ADD CONSTRAINT "Dossier_procedureCode_fkey" FOREIGN KEY ("procedureCode") REFERENCES "Procedure"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dossier" ADD CONSTRAINT "Dossier_applicantId_fkey" FOREIGN KEY ("applicantId") REFERENCES "Citizen"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dossier" ADD CONSTRAINT "Dossier_communeCode_fkey" FOREIGN KEY ("communeCode") REFERENCES "AdminUnit"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DossierEvent" ADD CONSTRAINT "DossierEvent_dossierId_fkey" FOREIGN KEY ("dossierId") REFERENCES "Dossier"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handover" ADD CONSTRAINT "Handover_dossierId_fkey" FOREIGN KEY ("dossierId") REFERENCES "Dossier"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handover" ADD CONSTRAINT "Handover_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "StaffUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_citizenId_fkey" FOREIGN KEY ("citizenId") REFERENCES "Citizen"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_dossierId_fkey" FOREIGN KEY ("dossierId") REFERENCES "Dossier"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "DossierEvent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NoticeAttempt" ADD CONSTRAINT "NoticeAttempt_noticeId_fkey" FOREIGN KEY ("noticeId") REFERENCES "Notice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "ChannelIdentity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_citizenId_fkey" FOREIGN KEY ("citizenId") REFERENCES "Citizen"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_dossierId_fkey" FOREIGN KEY ("dossierId") REFERENCES "Dossier"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_communeCode_fkey" FOREIGN KEY ("communeCode") REFERENCES "AdminUnit"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_hamletId_fkey" FOREIGN KEY ("hamletId") REFERENCES "Hamlet"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryBooking" ADD CONSTRAINT "DeliveryBooking_dossierId_fkey" FOREIGN KEY ("dossierId") REFERENCES "Dossier"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryBooking" ADD CONSTRAINT "DeliveryBooking_procedureCode_fkey" FOREIGN KEY ("procedureCode") REFERENCES "Procedure"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryBooking" ADD CONSTRAINT "DeliveryBooking_citizenId_fkey" FOREIGN KEY ("citizenId") REFERENCES "Citizen"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryBooking" ADD CONSTRAINT "DeliveryBooking_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "ChannelIdentity"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryBooking" ADD CONSTRAINT "DeliveryBooking_communeCode_fkey" FOREIGN KEY ("communeCode") REFERENCES "AdminUnit"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryBooking" ADD CONSTRAINT "DeliveryBooking_hamletId_fkey" FOREIGN KEY ("hamletId") REFERENCES "Hamlet"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryBooking" ADD CONSTRAINT "DeliveryBooking_handledById_fkey" FOREIGN KEY ("handledById") REFERENCES "StaffUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Broadcast" ADD CONSTRAINT "Broadcast_communeCode_fkey" FOREIGN KEY ("communeCode") REFERENCES "AdminUnit"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Broadcast" ADD CONSTRAINT "Broadcast_hamletId_fkey" FOREIGN KEY ("hamletId") REFERENCES "Hamlet"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Broadcast" ADD CONSTRAINT "Broadcast_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "StaffUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BroadcastRecipient" ADD CONSTRAINT "BroadcastRecipient_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BroadcastRecipient" ADD CONSTRAINT "BroadcastRecipient_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "ChannelIdentity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BroadcastRecipient" ADD CONSTRAINT "BroadcastRecipient_noticeId_fkey" FOREIGN KEY ("noticeId") REFERENCES "Notice"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffUser" ADD CONSTRAINT "StaffUser_unitCode_fkey" FOREIGN KEY ("unitCode") REFERENCES "AdminUnit"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_unitCode_fkey" FOREIGN KEY ("unitCode") REFERENCES "AdminUnit"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_staffUserId_fkey" FOREIGN KEY ("staffUserId") REFERENCES "StaffUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;
