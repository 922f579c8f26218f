import { z } from "zod";
import type { JobDefinition } from "../job-definition.js";
import { JOB } from "../names.js";

/**
 * Every hour (a job scheduler): deletes the rows kept only for a while (src/housekeeping): held
 * receipts after an hour, webhook ids taken once after 7 days, one-time codes after a day.
 */
export const housekeepingJob: JobDefinition<Record<string, never>> = {
  name: JOB.housekeeping,
  schema: z.object({}).strict(),
  retry: { attempts: 3, backoff: { type: "exponential", delay: 5000 } },
  handler: async (_payload, deps) => {
    if (!deps.housekeeping) return;
    const deleted = await deps.housekeeping.run();
    deps.logger?.info({ deleted }, "housekeeping: old rows deleted");
  },
};
