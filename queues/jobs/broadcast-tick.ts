import { z } from "zod";
import type { JobDefinition } from "../job-definition.js";
import { JOB } from "../names.js";

/**
 * Every few seconds (a job scheduler): starts announcements whose time has come or that a crash
 * left half-started, and marks finished ones as sent; drops delivery receipts held for over an hour
 * for sends never recorded (not ours). Safe to run on several workers at once.
 */
export const broadcastTickJob: JobDefinition<Record<string, never>> = {
  name: JOB.broadcastTick,
  schema: z.object({}).strict(),
  retry: { attempts: 1, backoff: { type: "fixed", delay: 1000 } },
  handler: async (_payload, deps) => {
    if (deps.broadcasts) await deps.broadcasts.tick();
    await deps.sender.dropStaleEarlyReceipts();
  },
};
