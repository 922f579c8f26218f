import { z } from "zod";
import type { JobDefinition } from "../job-definition.js";
import { JOB } from "../names.js";

/** At a receipt deadline, or to reconcile a send cut short: asks about the attempt (NoticeSender.check). */
export const receiptCheckJob: JobDefinition<{ noticeId: string; attemptId: string }> = {
  name: JOB.receiptCheck,
  schema: z.object({ noticeId: z.uuid(), attemptId: z.uuid() }),
  retry: { attempts: 5, backoff: { type: "exponential", delay: 1000 } },
  handler: async ({ noticeId, attemptId }, deps) => {
    await deps.sender.check(noticeId, attemptId);
  },
};
