/**
 * The composition root: the one place where the application's long-lived parts are built, once
 * per process — database, Redis, queue, the notice store (the one owner of notices), the channels
 * and the Zalo token manager, the services, and the citizens' bot (one engine for the web chat,
 * Telegram and Zalo). Roles (api, worker, bot) take what they run from here; nothing else builds
 * a service, a channel or a token manager. The parts every role needs are built by
 * `createCoreContext` (core-context.ts), which is all a worker process loads.
 */
import type { Logger } from "pino";
import { AdminUnitService } from "../admin-units/admin-unit-service.js";
import { ApiKeyService } from "../auth/api-keys.js";
import { StaffAccounts, staffAccountsOptions } from "../auth/staff-accounts.js";
import { StaffConsoleService } from "../staff/console-service.js";
import { CatalogService } from "../catalog/catalog-service.js";
import { PrismaProcedureRepository } from "../catalog/repository.js";
import type { Env } from "../config/env.js";
import { prismaOver, type Db } from "../db/client.js";
import { DossierIngestService } from "../dossiers/ingest-service.js";
import { createLogger } from "../logging/logger.js";
import { createCoreContext, type CoreContext } from "./core-context.js";
import { ReceiptService } from "../notifications/receipts.js";
import { BookingService } from "../bookings/booking-service.js";
import { DossierLookupService } from "../dossiers/lookup-service.js";
import { DossierHistoryService } from "../dossiers/history-service.js";
import { ApologyService } from "../dossiers/apology-service.js";
import { HandoverService } from "../dossiers/handover-service.js";
import { SubscriptionService } from "../subscriptions/subscription-service.js";
import { HamletService } from "../hamlets/hamlet-service.js";
import { CommunePageService } from "../public/commune-page.js";
import { OneTimeCodeService } from "../verification/one-time-codes.js";
import { TelegramLinkService } from "../staff/telegram-link.js";
import { createBot, type BotServices } from "../../bots/bot.js";
import type { ConversationEngine } from "../../bots/engine/engine.js";

export interface AppContext extends CoreContext {
  /** Prisma for everyday access, over the core's pool (the worker role has none). */
  db: Db;
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
  /** Staff members' Telegram links (one-time codes from the console, redeemed in the bot). */
  telegramLinks: TelegramLinkService;
  /** The services the bot works through. */
  botServices: BotServices;
  /** The citizens' bot, built once on first use (the api and bot roles share it). */
  readonly bot: ConversationEngine;
}

export function createAppContext(env: Env, logger: Logger = createLogger({ level: env.LOG_LEVEL, name: "motcua" })): AppContext {
  const core = createCoreContext(env, logger);
  const { pool, redis, queue, notices, calendar, overdueWatch } = core;
  const db = prismaOver(pool);
  const adminUnits = new AdminUnitService(db);
  const catalog = new CatalogService(new PrismaProcedureRepository(db));
  const telegramLinks = new TelegramLinkService(db, redis, `${env.QUEUE_PREFIX}:`);
  const ingest = new DossierIngestService(pool);
  const bookings = new BookingService(db, pool, ingest);
  const botServices: BotServices = {
    lookup: new DossierLookupService(db, calendar),
    bookings,
    units: adminUnits,
    catalog,
    subscriptions: new SubscriptionService(db),
    codes: new OneTimeCodeService(db, { znsTemplateAvailable: Boolean(env.ZNS_TEMPLATES.OTP) }),
    staffLinks: telegramLinks,
    communePage: (communeCode) => `${env.PUBLIC_BASE_URL}/xa/${encodeURIComponent(communeCode)}`,
  };
  let bot: ConversationEngine | undefined;
  return {
    ...core,
    db,
    async close() {
      await db.$disconnect().catch(() => undefined);
      await core.close();
    },
    catalog,
    adminUnits,
    apiKeys: new ApiKeyService(db),
    staffAccounts: new StaffAccounts(db, redis, staffAccountsOptions(env)),
    staffConsole: new StaffConsoleService(db, overdueWatch),
    ingest,
    receipts: new ReceiptService(notices, queue),
    bookings,
    lookup: botServices.lookup,
    history: new DossierHistoryService(db, notices, calendar),
    apologies: new ApologyService(pool, ingest),
    handovers: new HandoverService(db, calendar),
    subscriptions: botServices.subscriptions,
    hamlets: new HamletService(db),
    communePages: new CommunePageService(db, { publicBaseUrl: env.PUBLIC_BASE_URL, telegramBotUsername: env.TELEGRAM_BOT_USERNAME, zaloOaId: env.ZALO_OA_ID }),
    codes: botServices.codes,
    telegramLinks,
    botServices,
    get bot() {
      bot ??= createBot({ redis, services: botServices, logger, prefix: env.QUEUE_PREFIX, tariff: env.POSTAL_TARIFF });
      return bot;
    },
  };
}
