/** The one job catalog: name → payload schema, retry policy, handler. */
import type { JobDefinition } from "./job-definition.js";
import { noticeSendJob } from "./jobs/notice-send.js";
import { noticeSendBatchJob } from "./jobs/notice-send-batch.js";
import { receiptCheckJob } from "./jobs/receipt-check.js";
import { zaloTokenRefreshJob } from "./jobs/zalo-token-refresh.js";
import { broadcastTickJob } from "./jobs/broadcast-tick.js";
import { reportPrepareJob } from "./jobs/report-prepare.js";
import { overdueWatchJob } from "./jobs/overdue-watch.js";
import { overdueDigestJob } from "./jobs/overdue-digest.js";
import { housekeepingJob } from "./jobs/housekeeping.js";

export const jobCatalog: Record<string, JobDefinition<any>> = Object.fromEntries(
  [noticeSendJob, noticeSendBatchJob, receiptCheckJob, zaloTokenRefreshJob, broadcastTickJob, reportPrepareJob, overdueWatchJob, overdueDigestJob, housekeepingJob].map((job) => [job.name, job]),
);
