/** Queue and job names: one queue for everything a notice needs, named jobs on it. */
export const NOTIFICATIONS_QUEUE = "notifications";

export const JOB = {
  noticeSend: "notice.send",
  noticeSendBatch: "notice.send-batch",
  receiptCheck: "notice.receipt-check",
  zaloTokenRefresh: "zalo.token-refresh",
  broadcastTick: "broadcast.tick",
  overdueWatch: "dossier.overdue-watch",
  overdueDigest: "staff.overdue-digest",
  reportPrepare: "report.prepare",
  housekeeping: "housekeeping",
} as const;

export type JobName = (typeof JOB)[keyof typeof JOB];

/**
 * The relay puts up to this many notices in one job (`notice.send-batch`): the worker reads,
 * claims and records them together, and Redis moves one job for them all, not one per notice.
 */
export const NOTICES_PER_JOB = 50;
