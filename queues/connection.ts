import { Redis } from "ioredis";

/** A Redis connection as BullMQ wants it (no per-request retry limit). */
export function bullConnection(redisUrl: string): Redis {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: false });
  redis.on("error", () => undefined); // BullMQ reports connection trouble through its own events
  return redis;
}
