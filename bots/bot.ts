/** The citizens' bot: the features in the order they are tried. */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { CatalogService } from "../src/catalog/catalog-service.js";
import type { Db } from "../src/db/client.js";
import { DossierLookupService } from "../src/dossiers/lookup-service.js";
import { AdminUnitService } from "../src/admin-units/admin-unit-service.js";
import { BookingService } from "../src/bookings/booking-service.js";
import { announcementsFeature } from "./features/announcements.js";
import { bookingFeature } from "./features/booking.js";
import { ConversationEngine } from "./engine/engine.js";
import { SessionStore } from "./engine/session-store.js";
import { documentsFeature } from "./features/documents.js";
import { menuFeature } from "./features/menu.js";
import { optOutFeature } from "./features/opt-out.js";
import { trackingFeature } from "./features/tracking.js";

const DEFAULT_TARIFF = { RESULT_DELIVERY: 25000, DOSSIER_COLLECTION: 25000 };

export function createBot(deps: {
  redis: Redis;
  db: Db;
  catalog: CatalogService;
  logger: Logger;
  prefix?: string;
  tariff?: { RESULT_DELIVERY: number; DOSSIER_COLLECTION: number };
}): ConversationEngine {
  const sessions = new SessionStore(deps.redis, `${deps.prefix ?? "motcua"}:session:`);
  const lookup = new DossierLookupService(deps.db);
  const booking = bookingFeature({ bookings: new BookingService(deps.db), lookup, units: new AdminUnitService(deps.db), catalog: deps.catalog, tariff: deps.tariff ?? DEFAULT_TARIFF });
  // A booking in progress takes the text first; then tracking (a dossier code, or 4 digits of proof
  // are not catalog questions); then the catalog.
  const units = new AdminUnitService(deps.db);
  return new ConversationEngine(
    [optOutFeature(deps.db), menuFeature, booking, announcementsFeature({ db: deps.db, units }), trackingFeature(lookup), documentsFeature(deps.catalog)],
    sessions,
    deps.logger,
  );
}
