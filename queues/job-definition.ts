import type { z } from "zod";
import type { ZaloTokenManager } from "../src/channels/zalo/token-manager.js";
import type { NoticeSender } from "../src/notifications/notice-sender.js";
import type { BroadcastService } from "../src/broadcasts/broadcast-service.js";
import type { OverdueWatchService } from "../src/staff/overdue-watch.js";

/** What job handlers may use. */
export interface JobDeps {
  sender: NoticeSender;
  zaloTokens: ZaloTokenManager | null;
  broadcasts?: BroadcastService;
  /** The overdue watch and its morning digest. */
  overdueWatch?: OverdueWatchService;
}

export interface JobDefinition<P> {
  name: string;
  /** The payload, validated before the handler runs (a malformed payload fails the job, unretried). */
  schema: z.ZodType<P>;
  retry: { attempts: number; backoff: { type: "exponential" | "fixed"; delay: number } };
  handler: (payload: P, deps: JobDeps) => Promise<void>;
}
