/** Wires the long-lived parts (database, Redis, queue, services) for one process. */
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { AdminUnitService } from "../admin-units/admin-unit-service.js";
import { ApiKeyService } from "../auth/api-keys.js";
import { CatalogService } from "../catalog/catalog-service.js";
import { PrismaProcedureRepository } from "../catalog/repository.js";
import type { Env } from "../config/env.js";
import { createDatabase, type Db } from "../db/client.js";
import { DossierIngestService } from "../dossiers/ingest-service.js";
import { createLogger } from "../logging/logger.js";
import { ReceiptService } from "../notifications/receipts.js";
import { BookingService } from "../bookings/booking-service.js";
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
  catalog: CatalogService;
  adminUnits: AdminUnitService;
  apiKeys: ApiKeyService;
  ingest: DossierIngestService;
  receipts: ReceiptService;
  bookings: BookingService;
  close(): Promise<void>;
}

export function createAppContext(env: Env, logger: Logger = createLogger({ level: env.LOG_LEVEL, name: "motcua" })): AppContext {
  const database = createDatabase(env.DATABASE_URL, { max: env.DATABASE_POOL_SIZE });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on("error", (error) => logger.warn({ err: error }, "redis connection problem"));
  const bullRedis = bullConnection(env.REDIS_URL);
  const queue = new NotificationQueue(bullRedis, env.QUEUE_PREFIX);
  return {
    env,
    logger,
    db: database.db,
    pool: database.pool,
    redis,
    bullRedis,
    queue,
    catalog: new CatalogService(new PrismaProcedureRepository(database.db)),
    adminUnits: new AdminUnitService(database.db),
    apiKeys: new ApiKeyService(database.db),
    ingest: new DossierIngestService(database.pool),
    receipts: new ReceiptService(database.pool, queue),
    bookings: new BookingService(database.db),
    async close() {
      await queue.close().catch(() => undefined);
      bullRedis.disconnect();
      redis.disconnect();
      await database.close();
    },
  };
}
