-- AlterTable
ALTER TABLE "Broadcast" ADD COLUMN     "editedBy" TEXT[] DEFAULT ARRAY[]::TEXT[];
