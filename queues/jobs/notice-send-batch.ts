import { z } from "zod";
import type { JobDefinition } from "../job-definition.js";
import { JOB, NOTICES_PER_JOB } from "../names.js";

/**
 * The relay's job: several notices, sent side by side (within the worker's WORKER_CONCURRENCY),
 * so their reads, claims and results are written together. A notice already sent or claimed is
 * skipped by the claim, as in a job of its own.
 */
export const noticeSendBatchJob: JobDefinition<{ noticeIds: string[] }> = {
  name: JOB.noticeSendBatch,
  schema: z.object({ noticeIds: z.array(z.uuid()).min(1).max(NOTICES_PER_JOB) }),
  // As notice.send: provider failures are handled inside; these cover the worker's own trouble. A
  // retried job finds the notices it already sent not due, and sends the others.
  retry: { attempts: 5, backoff: { type: "exponential", delay: 1000 } },
  handler: async ({ noticeIds }, deps) => {
    try {
      await deps.sender.processMany(noticeIds);
    } finally {
      // Whatever happened, the sweep may queue again those that are still (or again) due.
      await deps.noticeJobs?.unmark(noticeIds);
    }
  },
};
