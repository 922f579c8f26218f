-- No planner statistics for the columns of the notices and their attempts that no query filters,
-- joins or groups on: the text of a notice's variables (jsonb) and of its last error, its dedupe key
-- (unique: the index says all the planner needs), an attempt's text and error message. ANALYZE
-- (autovacuum's, as notices are created and move on) sampled and compared them for nothing: about half of
-- the time of an ANALYZE of "Notice" (1.2 s -> 0.45 s on 100,000 notices), a quarter of one of
-- "NoticeAttempt". Statistics collected before stay as they were (ANALYZE no longer updates
-- them); no query reads them.
ALTER TABLE "Notice" ALTER COLUMN "variables" SET STATISTICS 0, ALTER COLUMN "lastError" SET STATISTICS 0, ALTER COLUMN "dedupeKey" SET STATISTICS 0;
ALTER TABLE "NoticeAttempt" ALTER COLUMN "text" SET STATISTICS 0, ALTER COLUMN "errorMessage" SET STATISTICS 0;
