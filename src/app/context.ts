/**
 * The composition root: the one place where the application's long-lived parts are built, once
 * per process — database, Redis, queue, the notice store (the one owner of notices), the channels
 * and the Zalo token manager, the services, and the citizens' bot (one engine for the web chat,
 * Telegram and Zalo). Roles (api, worker, bot) take what they run from here; nothing else builds
 * a service, a channel or a token manager.
 */
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { AdminUnitService } from "../admin-units/admin-unit-service.js";
import { ApiKeyService } from "../auth/api-keys.js";
import { StaffAccounts, staffAccountsOptions } from "../auth/staff-accounts.js";
import { StaffConsoleService } from "../staff/console-service.js";
import { CatalogService } from "../catalog/catalog-service.js";
import { PrismaProcedureRepository } from "../catalog/repository.js";
import type { Env } from "../config/env.js";
import { createDatabase, type Db } from "../db/client.js";
import { DossierIngestService } from "../dossiers/ingest-service.js";
import { createLogger } from "../logging/logger.js";
import { ReceiptService } from "../notifications/receipts.js";
import { NoticeStore } from "../notifications/notice-store.js";
import { buildChannels, type ChannelSet } from "../channels/registry.js";
import { CalendarService } from "../calendar/calendar-service.js";
import { MonthlyReportService } from "../reports/monthly-report.js";
import { BookingService } from "../bookings/booking-service.js";
import { BroadcastService } from "../broadcasts/broadcast-service.js";
import { DossierLookupService } from "../dossiers/lookup-service.js";
import { DossierHistoryService } from "../dossiers/history-service.js";
import { ApologyService } from "../dossiers/apology-service.js";
import { HandoverService } from "../dossiers/handover-service.js";
import { SubscriptionService } from "../subscriptions/subscription-service.js";
import { HamletService } from "../hamlets/hamlet-service.js";
import { CommunePageService } from "../public/commune-page.js";
import { OneTimeCodeService } from "../verification/one-time-codes.js";
import { OverdueWatchService } from "../staff/overdue-watch.js";
import { TelegramLinkService } from "../staff/telegram-link.js";
import { createBot, type BotServices } from "../../bots/bot.js";
import type { ConversationEngine } from "../../bots/engine/engine.js";
import type pg from "pg";
import { bullConnection } from "../../queues/connection.js";
import { NotificationQueue } from "../../queues/producer.js";

export interface AppContext {
  env: Env;
  logger: Logger;
  db: Db;
  pool: pg.Pool;
  redis: Redis;
  /** BullMQ's own connection (blocking commands must not share the app's). */
  bullRedis: Redis;
  queue: NotificationQueue;
  /** The one owner of notices and their attempts. */
  notices: NoticeStore;
  /** Every delivery channel (real, or the sandbox without credentials) and the one Zalo token manager. */
  channels: ChannelSet;
  catalog: CatalogService;
  adminUnits: AdminUnitService;
  apiKeys: ApiKeyService;
  /** Staff accounts and their console sessions (sign-in, lock-out, password changes). */
  staffAccounts: StaffAccounts;
  /** The console's home page: what needs attention in a unit. */
  staffConsole: StaffConsoleService;
  ingest: DossierIngestService;
  receipts: ReceiptService;
  bookings: BookingService;
  lookup: DossierLookupService;
  /** A dossier's history for staff: events, notices and what became of each. */
  history: DossierHistoryService;
  /** The apology and new appointment of a dossier (form 04). */
  apologies: ApologyService;
  /** Hand-overs recorded by staff (form 05; postal events record theirs in the ingest). */
  handovers: HandoverService;
  subscriptions: SubscriptionService;
  /** A commune's hamlets, kept by its staff. */
  hamlets: HamletService;
  /** What the public commune pages (/xa/<commune>) show. */
  communePages: CommunePageService;
  codes: OneTimeCodeService;
  /** Announcements from commune staff. */
  broadcasts: BroadcastService;
  /** The working calendar (weekends, public holidays, worked weekend days). */
  calendar: CalendarService;
  /** The overdue watch (dossiers due within one working day with no result) and its morning digest. */
  overdueWatch: OverdueWatchService;
  /** Staff members' Telegram links (one-time codes from the console, redeemed in the bot). */
  telegramLinks: TelegramLinkService;
  /** The monthly report: figures, staff-written sections, submission. */
  reports: MonthlyReportService;
  /** The services the bot works through. */
  botServices: BotServices;
  /** The citizens' bot, built once on first use (the api and bot roles share it). */
  readonly bot: ConversationEngine;
  close(): Promise<void>;
}

export function createAppContext(env: Env, logger: Logger = createLogger({ level: env.LOG_LEVEL, name: "motcua" })): AppContext {
  const database = createDatabase(env.DATABASE_URL, { max: env.DATABASE_POOL_SIZE });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on("error", (error) => logger.warn({ err: error }, "redis connection problem"));
  const bullRedis = bullConnection(env.REDIS_URL);
  const queue = new NotificationQueue(bullRedis, env.QUEUE_PREFIX);
  const notices = new NoticeStore(database.pool);
  const channels = buildChannels(env, { db: database.db, redis, logger });
  const adminUnits = new AdminUnitService(database.db);
  const catalog = new CatalogService(new PrismaProcedureRepository(database.db));
  const calendar = new CalendarService(database.db);
  const telegramLinks = new TelegramLinkService(database.db, redis, `${env.QUEUE_PREFIX}:`);
  const overdueWatch = new OverdueWatchService(database.pool, calendar, { publicBaseUrl: env.PUBLIC_BASE_URL });
  const ingest = new DossierIngestService(database.pool);
  const bookings = new BookingService(database.db, ingest);
  const botServices: BotServices = {
    lookup: new DossierLookupService(database.db, calendar),
    bookings,
    units: adminUnits,
    catalog,
    subscriptions: new SubscriptionService(database.db),
    codes: new OneTimeCodeService(database.db),
    staffLinks: telegramLinks,
    communePage: (communeCode) => `${env.PUBLIC_BASE_URL}/xa/${encodeURIComponent(communeCode)}`,
  };
  let bot: ConversationEngine | undefined;
  return {
    env,
    logger,
    db: database.db,
    pool: database.pool,
    redis,
    bullRedis,
    queue,
    notices,
    channels,
    catalog,
    adminUnits,
    apiKeys: new ApiKeyService(database.db),
    staffAccounts: new StaffAccounts(database.db, redis, staffAccountsOptions(env)),
    staffConsole: new StaffConsoleService(database.db, overdueWatch),
    ingest,
    receipts: new ReceiptService(notices, queue),
    bookings,
    lookup: botServices.lookup,
    history: new DossierHistoryService(database.db, notices, calendar),
    apologies: new ApologyService(database.pool, ingest),
    handovers: new HandoverService(database.db, calendar),
    subscriptions: botServices.subscriptions,
    hamlets: new HamletService(database.db),
    communePages: new CommunePageService(database.db, { publicBaseUrl: env.PUBLIC_BASE_URL, telegramBotUsername: env.TELEGRAM_BOT_USERNAME, zaloOaId: env.ZALO_OA_ID }),
    codes: botServices.codes,
    broadcasts: new BroadcastService(database.db, database.pool, notices, {
      zaloPerFollowerDay: env.BROADCAST_ZALO_PER_FOLLOWER_DAY,
      smsSegmentPrice: env.SMS_SEGMENT_PRICE_VND,
      zaloMessagePrice: env.ZALO_MESSAGE_PRICE_VND,
      smsSegmentBudget: env.SMS_SEGMENT_BUDGET,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      twilioPerSecond: env.TWILIO_MAX_PER_SECOND,
    }),
    calendar,
    overdueWatch,
    telegramLinks,
    reports: new MonthlyReportService(database.db, database.pool, { smsSegmentPrice: env.SMS_SEGMENT_PRICE_VND, zaloMessagePrice: env.ZALO_MESSAGE_PRICE_VND }, { publicBaseUrl: env.PUBLIC_BASE_URL }),
    botServices,
    get bot() {
      bot ??= createBot({ redis, services: botServices, logger, prefix: env.QUEUE_PREFIX, tariff: env.POSTAL_TARIFF });
      return bot;
    },
    async close() {
      await queue.close().catch(() => undefined);
      bullRedis.disconnect();
      redis.disconnect();
      await database.close();
    },
  };
}
