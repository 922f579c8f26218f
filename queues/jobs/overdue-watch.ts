import { z } from "zod";
import type { JobDefinition } from "../job-definition.js";
import { JOB } from "../names.js";

/**
 * Every hour (a job scheduler): marks the dossiers due within one working day that have no result
 * (Dossier.watchedAt) and clears the mark on those that no longer are. Safe to run twice at once
 * (the runs take turns on an advisory lock and leave the same marks).
 */
export const overdueWatchJob: JobDefinition<Record<string, never>> = {
  name: JOB.overdueWatch,
  schema: z.object({}).strict(),
  retry: { attempts: 3, backoff: { type: "exponential", delay: 5000 } },
  handler: async (_payload, deps) => {
    if (deps.overdueWatch) await deps.overdueWatch.mark();
  },
};
