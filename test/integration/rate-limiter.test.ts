/**
 * Rate-limit slots in the real Redis: a slot held through a provider call longer than its lease is
 * not handed to another caller until the call ends; a slot whose holder is gone lapses.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter, type RateRule } from "../../src/channels/rate-limiter.js";

let redis: Redis;
beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
});
afterAll(() => redis.disconnect());

const prefix = () => `ratetest${randomBytes(4).toString("hex")}:`;

describe("rate-limit slot lease", () => {
  it("a slot held for a call longer than the lease is not given to another caller before the call ends", async () => {
    const rules: RateRule[] = [{ key: "one-at-a-time", limit: 1, windowMs: 50 }];
    const p = prefix();
    const limiter = new RateLimiter(redis, p, 300);
    const other = new RateLimiter(redis, p, 300); // another worker
    const slot = await limiter.acquire(rules);
    let grantedAt = 0;
    const waiting = other.acquire(rules, 10_000).then((s) => {
      grantedAt = Date.now();
      return s;
    });
    // The provider call lasts four leases; all that time the other caller must wait.
    await new Promise((r) => setTimeout(r, 1200));
    expect(grantedAt).toBe(0);
    const releasedAt = Date.now();
    await slot.release();
    const second = await waiting;
    expect(grantedAt).toBeGreaterThanOrEqual(releasedAt);
    await second.release();
  });

  it("a slot whose holder died lapses after its lease", async () => {
    const rules: RateRule[] = [{ key: "one-at-a-time", limit: 1, windowMs: 50 }];
    const p = prefix();
    // A holder that took a slot and died: its lease is never renewed nor released.
    const startedAt = Date.now();
    expect(await new RateLimiter(redis, p, 300).tryAcquire(rules, "dead-worker")).toBe(0);
    const slot = await new RateLimiter(redis, p, 300).acquire(rules, 5_000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    await slot.release();
  });

  it("tryTake answers at once: a slot, or null while the limit is reached; a slot given back unused counts for nothing, one released counts for its window", async () => {
    const rules: RateRule[] = [{ key: "one-a-minute", limit: 1, windowMs: 60_000 }];
    const limiter = new RateLimiter(redis, prefix(), 5_000);
    const first = await limiter.tryTake(rules);
    expect(first).not.toBeNull();
    expect(await limiter.tryTake(rules)).toBeNull(); // in flight
    await first!.cancel(); // the provider was never called
    const second = await limiter.tryTake(rules);
    expect(second).not.toBeNull();
    await second!.release(); // the provider was called: it counts for the minute
    expect(await limiter.tryTake(rules)).toBeNull();
  });

  it("a slot whose call got no answer (abandoned) stays in flight until its lease lapses, not one window after the caller gave up", async () => {
    const rules: RateRule[] = [{ key: "one-at-a-time", limit: 1, windowMs: 50 }];
    const p = prefix();
    const limiter = new RateLimiter(redis, p, 1_500);
    const slot = await limiter.acquire(rules);
    const abandonedAt = Date.now();
    slot.abandon(); // a time-out: the request may still reach the provider
    // Released, it would count for 50 ms only; abandoned, it holds its place for the lease.
    await new Promise((r) => setTimeout(r, 300));
    const early = await limiter.tryTake(rules);
    if (Date.now() - abandonedAt < 1_400) expect(early).toBeNull();
    await early?.cancel();
    const later = await new RateLimiter(redis, p, 1_500).acquire(rules, 10_000);
    expect(Date.now() - abandonedAt).toBeGreaterThanOrEqual(1_400);
    await later.release();
  });
});
