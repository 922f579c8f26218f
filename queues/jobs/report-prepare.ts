import { z } from "zod";
import type { JobDefinition } from "../job-definition.js";
import { JOB } from "../names.js";

/**
 * Daily (a job scheduler, 06:00 in Vietnam): from three working days before the month's end (the
 * stored working calendar), prepares each unit's draft monthly report and reminds its staff (the
 * console's home page shows the reminder until the report is submitted; members who linked Telegram
 * get it there too, once, through the outbox). Idempotent: a unit
 * already prepared is left alone, so later runs in the month, or several workers, change nothing.
 */
export const reportPrepareJob: JobDefinition<Record<string, never>> = {
  name: JOB.reportPrepare,
  schema: z.object({}).strict(),
  retry: { attempts: 3, backoff: { type: "exponential", delay: 60_000 } },
  handler: async (_payload, deps) => {
    if (!deps.reports || !deps.calendar) return;
    const result = await deps.reports.prepareDrafts(await deps.calendar.calendar());
    if (result.prepared.length) deps.logger?.info({ month: result.month, units: result.prepared.length }, "monthly report drafts prepared");
  },
};
