import { z } from "zod";
import type { JobDefinition } from "../job-definition.js";
import { JOB } from "../names.js";

/** Hourly: renews the Zalo OA token pair well before its 25 h expiry. */
export const zaloTokenRefreshJob: JobDefinition<Record<string, never>> = {
  name: JOB.zaloTokenRefresh,
  schema: z.object({}).strict(),
  retry: { attempts: 3, backoff: { type: "exponential", delay: 5000 } },
  handler: async (_payload, deps) => {
    if (deps.zaloTokens) await deps.zaloTokens.refreshIfExpiring();
  },
};
