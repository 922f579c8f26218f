-- DropIndex
DROP INDEX "Hamlet_communeCode_searchName_key";

-- CreateIndex
CREATE INDEX "Hamlet_communeCode_searchName_idx" ON "Hamlet"("communeCode", "searchName");
