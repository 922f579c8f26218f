/** The worker role: channels, the notice sender, the BullMQ worker, the outbox relay, schedules. */
import type { Worker } from "bullmq";
import { RateLimiter } from "../channels/rate-limiter.js";
import { NoticeSender } from "../notifications/notice-sender.js";
import { bullConnection } from "../../queues/connection.js";
import { JOB } from "../../queues/names.js";
import { NoticeRelay } from "../../queues/relay.js";
import { startWorker } from "../../queues/worker.js";
import type { CoreContext } from "./core-context.js";
import { Housekeeping } from "../housekeeping/housekeeping.js";

export interface WorkerRole {
  sender: NoticeSender;
  worker: Worker;
  relay: NoticeRelay;
  stop(): Promise<void>;
}

export async function startWorkerRole(ctx: CoreContext): Promise<WorkerRole> {
  const { env, logger } = ctx;
  const { channels, zaloTokens, sandboxed } = ctx.channels;
  if (sandboxed.length) logger.info({ sandboxed }, "channels without credentials are served by the sandbox");
  const sender = new NoticeSender({
    pool: ctx.pool,
    store: ctx.notices,
    channels,
    scheduler: ctx.queue,
    logger,
    // A slot's lease outlasts one provider call (and is renewed while held); a dead worker's lapses.
    limiter: env.RATE_LIMITS === "on" ? new RateLimiter(ctx.redis, `${env.QUEUE_PREFIX}:rate:`, env.PROVIDER_TIMEOUT_MS + 5_000) : null,
    quietHours: env.QUIET_HOURS,
    smsSegmentBudget: env.SMS_SEGMENT_BUDGET,
    znsTemplates: env.ZNS_TEMPLATES,
    twilioPerSecond: env.TWILIO_MAX_PER_SECOND,
    ...(env.RECEIPT_DEADLINE_MS ? { receiptDeadlineMs: env.RECEIPT_DEADLINE_MS } : {}),
    reconcileDelayMs: env.RECONCILE_DELAY_MS,
    broadcastText: (id) => ctx.broadcasts.textFor(id),
    concurrency: env.WORKER_CONCURRENCY,
  });
  const workerConnection = bullConnection(env.REDIS_URL);
  const worker = startWorker({
    connection: workerConnection,
    deps: { sender, noticeJobs: ctx.queue, zaloTokens, broadcasts: ctx.broadcasts, reports: ctx.reports, calendar: ctx.calendar, logger, overdueWatch: ctx.overdueWatch, housekeeping: new Housekeeping(ctx.pool, ctx.notices) },
    logger,
    concurrency: env.WORKER_CONCURRENCY,
    prefix: env.QUEUE_PREFIX,
  });
  const relay = new NoticeRelay({ databaseUrl: env.DATABASE_URL, store: ctx.notices, queue: ctx.queue, logger, sweepMs: env.RELAY_SWEEP_MS, claimLeaseMs: env.CLAIM_LEASE_MS });
  await relay.start();
  const schedules = async () => {
    // Scheduled announcements start, and finished ones are marked sent, within a few seconds.
    await ctx.queue.schedule("broadcast-tick", { every: env.BROADCAST_TICK_MS }, JOB.broadcastTick);
    // The overdue watch marks the dossiers due within one working day every hour (and once at start);
    // the digest goes to linked staff at 07:30 Vietnam time (the job itself skips days off).
    await ctx.queue.schedule("overdue-watch", { every: 60 * 60 * 1000 }, JOB.overdueWatch);
    await ctx.queue.schedule("overdue-digest", { pattern: "0 30 7 * * *", tz: "Asia/Ho_Chi_Minh" }, JOB.overdueDigest);
    // The month's report drafts, three working days before the month's end (checked every morning).
    await ctx.queue.schedule("report-prepare", { pattern: "0 0 6 * * *", tz: "Asia/Ho_Chi_Minh" }, JOB.reportPrepare);
    // Rows kept only for a while (held receipts, webhook ids, one-time codes) are deleted every hour.
    await ctx.queue.schedule("housekeeping", { every: 60 * 60 * 1000 }, JOB.housekeeping);
    if (zaloTokens) {
      await ctx.queue.schedule("zalo-token-refresh", { every: 60 * 60 * 1000 }, JOB.zaloTokenRefresh);
    }
  };
  const scheduleCount = zaloTokens ? 6 : 5;
  await schedules();
  // The schedules live in Redis: a flushed Redis (FLUSHALL, a failover to an empty replica) loses
  // them as it loses the queued jobs. The relay's sweep puts the notices back; this puts the
  // schedules back, at the sweep's pace (otherwise no scheduled announcement would start, and no
  // sending one be marked sent, until the worker restarts).
  let checking = false;
  const scheduleCheck = setInterval(() => {
    if (checking) return;
    checking = true;
    void ctx.queue.queue
      .getJobSchedulersCount()
      .then((n) => (n < scheduleCount ? schedules() : undefined))
      .catch((error: unknown) => logger.warn({ err: error }, "could not check the job schedules; trying again"))
      .finally(() => (checking = false));
  }, env.RELAY_SWEEP_MS);
  scheduleCheck.unref();
  return {
    sender,
    worker,
    relay,
    async stop() {
      clearInterval(scheduleCheck);
      await relay.stop();
      sender.stop();
      // Jobs under way finish (a provider call is never cut off); give up waiting after 30 s.
      await Promise.race([worker.close(), new Promise((r) => setTimeout(r, 30_000).unref())]);
      workerConnection.disconnect();
    },
  };
}
