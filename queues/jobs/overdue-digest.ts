import { z } from "zod";
import type { JobDefinition } from "../job-definition.js";
import { JOB } from "../names.js";

/**
 * At 07:30 in Asia/Ho_Chi_Minh (a cron job scheduler): on a working day of the stored calendar,
 * one Telegram digest per linked staff member of their unit's watched dossiers, through the outbox
 * (one notice per member per day: a retried or repeated run sends nothing twice). On a day off: nothing.
 */
export const overdueDigestJob: JobDefinition<Record<string, never>> = {
  name: JOB.overdueDigest,
  schema: z.object({}).strict(),
  retry: { attempts: 3, backoff: { type: "exponential", delay: 30_000 } },
  handler: async (_payload, deps) => {
    if (deps.overdueWatch) await deps.overdueWatch.digest();
  },
};
