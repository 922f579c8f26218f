/**
 * The citizens' bot: the features in the order they are tried. It is given the services it
 * works through (built by the caller); it never touches the database itself.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { AdminUnitService } from "../src/admin-units/admin-unit-service.js";
import type { BookingService } from "../src/bookings/booking-service.js";
import type { CatalogService } from "../src/catalog/catalog-service.js";
import type { DossierLookupService } from "../src/dossiers/lookup-service.js";
import type { SubscriptionService } from "../src/subscriptions/subscription-service.js";
import type { OneTimeCodeService } from "../src/verification/one-time-codes.js";
import { announcementsFeature } from "./features/announcements.js";
import { bookingFeature } from "./features/booking.js";
import { ConversationEngine } from "./engine/engine.js";
import { SessionStore } from "./engine/session-store.js";
import { documentsFeature } from "./features/documents.js";
import { menuFeature } from "./features/menu.js";
import { optOutFeature } from "./features/opt-out.js";
import { trackingFeature } from "./features/tracking.js";
import { staffLinkFeature } from "./features/staff-link.js";
import type { TelegramLinkService } from "../src/staff/telegram-link.js";

const DEFAULT_TARIFF = { RESULT_DELIVERY: 25000, DOSSIER_COLLECTION: 25000 };

export interface BotServices {
  lookup: DossierLookupService;
  bookings: BookingService;
  units: AdminUnitService;
  catalog: CatalogService;
  subscriptions: SubscriptionService;
  codes: OneTimeCodeService;
  /** Staff members linking their Telegram chat for the overdue digest (absent: the bot does not know the command). */
  staffLinks?: TelegramLinkService;
  /** The public commune page's address (/xa/<code> under PUBLIC_BASE_URL), where the web chat points for announcements. */
  communePage?: (communeCode: string) => string;
}

export function createBot(deps: {
  /** Conversation sessions (and their per-minute limits) live here. */
  redis: Redis;
  services: BotServices;
  logger: Logger;
  prefix?: string;
  tariff?: { RESULT_DELIVERY: number; DOSSIER_COLLECTION: number };
}): ConversationEngine {
  const { lookup, bookings, units, catalog, subscriptions, codes } = deps.services;
  const sessions = new SessionStore(deps.redis, `${deps.prefix ?? "motcua"}:session:`);
  const booking = bookingFeature({ bookings, lookup, units, catalog, codes, tariff: deps.tariff ?? DEFAULT_TARIFF });
  // A booking in progress takes the text first; then tracking (a dossier code, or 4 digits of proof
  // are not catalog questions); then the catalog.
  return new ConversationEngine(
    [...(deps.services.staffLinks ? [staffLinkFeature(deps.services.staffLinks)] : []), optOutFeature(subscriptions), menuFeature, booking, announcementsFeature({ subscriptions, units, ...(deps.services.communePage ? { communePage: deps.services.communePage } : {}) }), trackingFeature({ lookup, subscriptions, codes, catalog }), documentsFeature(catalog)],
    sessions,
    deps.logger,
  );
}
