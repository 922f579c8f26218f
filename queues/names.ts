/** Queue and job names: one queue for everything a notice needs, named jobs on it. */
export const NOTIFICATIONS_QUEUE = "notifications";

export const JOB = {
  noticeSend: "notice.send",
  receiptCheck: "notice.receipt-check",
  zaloTokenRefresh: "zalo.token-refresh",
  broadcastTick: "broadcast.tick",
  overdueWatch: "dossier.overdue-watch",
  overdueDigest: "staff.overdue-digest",
  reportPrepare: "report.prepare",
} as const;

export type JobName = (typeof JOB)[keyof typeof JOB];
