-- Event ids are unique per origin (issue 7): "upstream" for integration and admin keys,
-- "unit:<code>" for staff. Existing upstream events keep their ids in "upstream", and staff
-- events stored before this migration (their unit was not recorded) go to "staff-legacy",
-- so they can no longer shadow an upstream id.

-- DropIndex
DROP INDEX "DossierEvent_eventId_key";

-- AlterTable
ALTER TABLE "DossierEvent" ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'upstream';
UPDATE "DossierEvent" SET "origin" = 'staff-legacy' WHERE "source" = 'STAFF';
ALTER TABLE "DossierEvent" ALTER COLUMN "origin" DROP DEFAULT;

-- CreateIndex
CREATE UNIQUE INDEX "DossierEvent_origin_eventId_key" ON "DossierEvent"("origin", "eventId");
