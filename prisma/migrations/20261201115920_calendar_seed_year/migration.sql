-- CreateTable
CREATE TABLE "CalendarSeedYear" (
    "year" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "seededAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CalendarSeedYear_pkey" PRIMARY KEY ("year")
);
