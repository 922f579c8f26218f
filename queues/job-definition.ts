import type { z } from "zod";
import type { ZaloTokenManager } from "../src/channels/zalo/token-manager.js";
import type { NoticeSender } from "../src/notifications/notice-sender.js";
import type { BroadcastService } from "../src/broadcasts/broadcast-service.js";
import type { OverdueWatchService } from "../src/staff/overdue-watch.js";
import type { CalendarService } from "../src/calendar/calendar-service.js";
import type { MonthlyReportService } from "../src/reports/monthly-report.js";
import type { Logger } from "pino";
import type { Housekeeping } from "../src/housekeeping/housekeeping.js";

/** What job handlers may use. */
export interface JobDeps {
  sender: NoticeSender;
  /** The markers of notices held by batch jobs (cleared when a job is done with them). */
  noticeJobs?: { unmark(noticeIds: string[]): Promise<void> };
  zaloTokens: ZaloTokenManager | null;
  broadcasts?: BroadcastService;
  /** The overdue watch and its morning digest. */
  overdueWatch?: OverdueWatchService;
  /** The monthly report (the scheduled draft preparation). */
  reports?: MonthlyReportService;
  /** The stored working calendar. */
  calendar?: CalendarService;
  /** The hourly deletion of rows kept only for a while. */
  housekeeping?: Housekeeping;
  logger?: Logger;
}

export interface JobDefinition<P> {
  name: string;
  /** The payload, validated before the handler runs (a malformed payload fails the job, unretried). */
  schema: z.ZodType<P>;
  retry: { attempts: number; backoff: { type: "exponential" | "fixed"; delay: number } };
  handler: (payload: P, deps: JobDeps) => Promise<void>;
}
