/**
 * The part of the composition root every role needs, and all the worker role runs on: the
 * PostgreSQL pool, Redis, the queue, the notice store (the one owner of notices), the channels and
 * the Zalo token manager, and the services the worker's jobs call (announcements, the overdue
 * watch, the monthly report, the calendar). Every one of them runs SQL on the pg pool: a worker
 * process never loads Prisma's client (nor its WebAssembly query compiler). The api and bot roles
 * add the rest in `createAppContext` (context.ts), with a Prisma client over the same pool; a
 * worker process never loads the HTTP server, the bot, the catalog search or the staff console.
 */
import { Redis } from "ioredis";
import type pg from "pg";
import type { Logger } from "pino";
import { BroadcastService } from "../broadcasts/broadcast-service.js";
import { CalendarService } from "../calendar/calendar-service.js";
import { buildChannels, type ChannelSet } from "../channels/registry.js";
import type { Env } from "../config/env.js";
import { createPool } from "../db/pool.js";
import { createLogger } from "../logging/logger.js";
import { NoticeStore } from "../notifications/notice-store.js";
import { MonthlyReportService } from "../reports/monthly-report.js";
import { OverdueWatchService } from "../staff/overdue-watch.js";
import { bullConnection } from "../../queues/connection.js";
import { NotificationQueue } from "../../queues/producer.js";

export interface CoreContext {
  env: Env;
  logger: Logger;
  /** The PostgreSQL pool of the process (the api roles' Prisma client runs over it too; the notice store opens a few sessions of its own for the sender's batched statements). */
  pool: pg.Pool;
  redis: Redis;
  /** BullMQ's own connection (blocking commands must not share the app's). */
  bullRedis: Redis;
  queue: NotificationQueue;
  /** The one owner of notices and their attempts. */
  notices: NoticeStore;
  /** Every delivery channel (real, or the sandbox without credentials) and the one Zalo token manager. */
  channels: ChannelSet;
  /** Announcements from commune staff. */
  broadcasts: BroadcastService;
  /** The working calendar (weekends, public holidays, worked weekend days). */
  calendar: CalendarService;
  /** The overdue watch (dossiers due within one working day with no result) and its morning digest. */
  overdueWatch: OverdueWatchService;
  /** The monthly report: figures, staff-written sections, submission. */
  reports: MonthlyReportService;
  close(): Promise<void>;
}

export function createCoreContext(env: Env, logger: Logger = createLogger({ level: env.LOG_LEVEL, name: "motcua" })): CoreContext {
  const pool = createPool(env.DATABASE_URL, { max: env.DATABASE_POOL_SIZE });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on("error", (error) => logger.warn({ err: error }, "redis connection problem"));
  const bullRedis = bullConnection(env.REDIS_URL);
  const queue = new NotificationQueue(bullRedis, env.QUEUE_PREFIX);
  const notices = new NoticeStore(pool);
  const calendar = new CalendarService(pool);
  return {
    env,
    logger,
    pool,
    redis,
    bullRedis,
    queue,
    notices,
    channels: buildChannels(env, { pool, redis, logger }),
    broadcasts: new BroadcastService(pool, notices, {
      zaloPerFollowerDay: env.BROADCAST_ZALO_PER_FOLLOWER_DAY,
      smsSegmentPrice: env.SMS_SEGMENT_PRICE_VND,
      zaloMessagePrice: env.ZALO_MESSAGE_PRICE_VND,
      smsSegmentBudget: env.SMS_SEGMENT_BUDGET,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      twilioPerSecond: env.TWILIO_MAX_PER_SECOND,
    }),
    calendar,
    overdueWatch: new OverdueWatchService(pool, calendar, { publicBaseUrl: env.PUBLIC_BASE_URL }),
    reports: new MonthlyReportService(pool, { smsSegmentPrice: env.SMS_SEGMENT_PRICE_VND, zaloMessagePrice: env.ZALO_MESSAGE_PRICE_VND }, { publicBaseUrl: env.PUBLIC_BASE_URL, calendar: () => calendar.calendar() }),
    async close() {
      await queue.close().catch(() => undefined);
      await notices.close();
      bullRedis.disconnect();
      redis.disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
