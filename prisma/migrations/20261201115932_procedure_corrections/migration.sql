-- CreateEnum
CREATE TYPE "ProcedureOrigin" AS ENUM ('CURATED', 'PORTAL');

-- AlterTable
ALTER TABLE "Procedure" ADD COLUMN     "correctedAt" TIMESTAMP(3),
ADD COLUMN     "correctedBy" TEXT,
ADD COLUMN     "origin" "ProcedureOrigin" NOT NULL DEFAULT 'CURATED',
ADD COLUMN     "portalDifferences" JSONB,
ALTER COLUMN "agency" DROP NOT NULL,
ALTER COLUMN "processingTime" DROP NOT NULL,
ALTER COLUMN "fee" DROP NOT NULL;

-- CreateTable
CREATE TABLE "ProcedureRevision" (
    "id" UUID NOT NULL,
    "procedureCode" TEXT NOT NULL,
    "changedBy" TEXT NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "before" JSONB NOT NULL,
    "after" JSONB NOT NULL,

    CONSTRAINT "ProcedureRevision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProcedureRevision_procedureCode_changedAt_idx" ON "ProcedureRevision"("procedureCode", "changedAt");

-- AddForeignKey
ALTER TABLE "ProcedureRevision" ADD CONSTRAINT "ProcedureRevision_procedureCode_fkey" FOREIGN KEY ("procedureCode") REFERENCES "Procedure"("code") ON DELETE CASCADE ON UPDATE CASCADE;
