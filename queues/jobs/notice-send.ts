import { z } from "zod";
import type { JobDefinition } from "../job-definition.js";
import { JOB } from "../names.js";

/** A follow-up for one notice (a retry, a fallback, a deferral): from inside a job, not from the relay. */
export const noticeSendJob: JobDefinition<{ noticeId: string }> = {
  name: JOB.noticeSend,
  schema: z.object({ noticeId: z.uuid() }),
  // Provider failures are handled inside (retry/fallback rows); these attempts cover the worker's
  // own trouble, such as the database being briefly unreachable.
  retry: { attempts: 5, backoff: { type: "exponential", delay: 1000 } },
  handler: async ({ noticeId }, deps) => {
    await deps.sender.processMany([noticeId]);
  },
};
