/**
 * Provider rate limits shared by every worker, in Redis, exact as the provider measures them.
 *
 * A slot is "in flight" from the moment it is taken until the provider has answered; after that it
 * counts, for one window, from the time of the answer. A new slot is granted only while
 * in-flight + answered-within-the-window < limit. Since a request reaches the provider after its
 * slot is taken and before it is answered, any two requests that reach the provider less than a
 * window apart are counted against each other, whatever the delays inside a busy worker: no
 * provider ever sees more than `limit` requests in any window.
 *
 * An in-flight slot is a lease: it lapses `leaseMs` after it was last renewed, so a slot whose
 * worker died is freed. A call that got no answer (a time-out) may still reach the provider after
 * the caller gave up: its slot is abandoned, left in flight until the lease lapses, rather than
 * counted from the moment the caller stopped waiting. While a caller holds it, the lease is renewed every third of `leaseMs`,
 * so a slot is never handed to another caller while its provider call (a Zalo send that first
 * refreshes the token, say: two provider calls) is still under way, however long that lasts.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// KEYS: per rule, its in-flight set then its answered set. ARGV: limit and window per rule, token, in-flight TTL.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rules = #KEYS / 2
local token = ARGV[rules * 2 + 1]
local ttl = tonumber(ARGV[rules * 2 + 2])
local wait = 0
for i = 1, rules do
  local inflight, done = KEYS[i * 2 - 1], KEYS[i * 2]
  local limit, window = tonumber(ARGV[i * 2 - 1]), tonumber(ARGV[i * 2])
  redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
  redis.call('ZREMRANGEBYSCORE', done, '-inf', now - window)
  local used = redis.call('ZCARD', inflight) + redis.call('ZCARD', done)
  if used >= limit then
    local w = 20
    local oldest = redis.call('ZRANGE', done, 0, 0, 'WITHSCORES')
    if oldest[2] and redis.call('ZCARD', inflight) == 0 then w = tonumber(oldest[2]) + window - now + 1 end
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i = 1, rules do
  redis.call('ZADD', KEYS[i * 2 - 1], now + ttl, token)
  redis.call('PEXPIRE', KEYS[i * 2 - 1], ttl + 1000)
end
return 0
`;

// KEYS as above. ARGV: token, lease. Extends the token's in-flight lease where it still holds one.
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local renewed = 0
for i = 1, #KEYS / 2 do
  local inflight = KEYS[i * 2 - 1]
  if redis.call('ZSCORE', inflight, ARGV[1]) then
    redis.call('ZADD', inflight, 'XX', now + ttl, ARGV[1])
    redis.call('PEXPIRE', inflight, ttl + 1000)
    renewed = renewed + 1
  end
end
return renewed
`;

// KEYS as above. ARGV: window per rule, token.
const RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rules = #KEYS / 2
local token = ARGV[rules + 1]
for i = 1, rules do
  if redis.call('ZREM', KEYS[i * 2 - 1], token) == 1 then
    redis.call('ZADD', KEYS[i * 2], now, token)
    redis.call('PEXPIRE', KEYS[i * 2], tonumber(ARGV[i]) + 1000)
  end
end
return 0
`;

// A slot given back unused (the provider was never called): it counts for nothing.
const CANCEL = `
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 0
`;

export interface RateRule {
  key: string;
  limit: number;
  windowMs: number;
}

export interface RateSlot {
  /** Call once the provider has answered (or the call failed). */
  release(): Promise<void>;
  /** Gives the slot back unused, when the provider will not be called after all: it counts for nothing. */
  cancel(): Promise<void>;
  /**
   * The call got no answer (a time-out, a connection cut mid-call): the request may still be on
   * its way, or waiting in the provider's queue. The slot stays in flight until its lease lapses
   * (no longer renewed), so no other request is let through in its place meanwhile.
   */
  abandon(): void;
}

/** The default lease: a provider call's default timeout (10 s) and a margin. */
export const DEFAULT_SLOT_LEASE_MS = 15_000;

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "motcua:rate:",
    /**
     * A slot whose worker died is freed this long after its last renewal. Built from
     * PROVIDER_TIMEOUT_MS plus a margin (src/app/worker-role.ts); renewed while the slot is held.
     */
    private readonly inflightTtlMs = DEFAULT_SLOT_LEASE_MS,
  ) {}

  private keys(rules: RateRule[]): string[] {
    return rules.flatMap((r) => [`${this.prefix}${r.key}:inflight`, `${this.prefix}${r.key}:done`]);
  }

  /** Takes one slot under every rule at once, or answers how long to wait (ms). */
  async tryAcquire(rules: RateRule[], token: string): Promise<number> {
    const args = [...rules.flatMap((r) => [String(r.limit), String(r.windowMs)]), token, String(this.inflightTtlMs)];
    return Number(await this.redis.eval(ACQUIRE, rules.length * 2, ...this.keys(rules), ...args));
  }

  /** Waits until every rule grants a slot (or `signal` aborts the wait: shutting down). */
  async acquire(rules: RateRule[], maxWaitMs = 120_000, signal?: AbortSignal): Promise<RateSlot> {
    const token = randomUUID();
    const started = Date.now();
    for (;;) {
      if (signal?.aborted) throw new Error("rate limit: wait abandoned (shutting down)");
      const wait = await this.tryAcquire(rules, token);
      if (wait === 0) break;
      if (Date.now() - started > maxWaitMs) throw new Error(`rate limit: no slot within ${maxWaitMs} ms`);
      await new Promise((r) => setTimeout(r, Math.min(wait, signal?.aborted ? 0 : 1000) + Math.floor(Math.random() * 5)));
    }
    return this.held(rules, token);
  }

  /** A slot now, if every rule grants one at once; null when a limit is reached (nothing is taken). */
  async tryTake(rules: RateRule[]): Promise<RateSlot | null> {
    const token = randomUUID();
    return (await this.tryAcquire(rules, token)) === 0 ? this.held(rules, token) : null;
  }

  /** A slot taken under `token`: its lease renewed until it is released or cancelled. */
  private held(rules: RateRule[], token: string): RateSlot {
    let released = false;
    const keys = this.keys(rules);
    const renewal = setInterval(() => {
      void this.redis.eval(RENEW, keys.length, ...keys, token, String(this.inflightTtlMs)).catch(() => undefined);
    }, Math.max(10, Math.floor(this.inflightTtlMs / 3)));
    renewal.unref();
    return {
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renewal);
        await this.redis.eval(RELEASE, rules.length * 2, ...keys, ...rules.map((r) => String(r.windowMs)), token);
      },
      cancel: async () => {
        if (released) return;
        released = true;
        clearInterval(renewal);
        const inflight = keys.filter((_, i) => i % 2 === 0);
        await this.redis.eval(CANCEL, inflight.length, ...inflight, token);
      },
      abandon: () => {
        released = true;
        clearInterval(renewal);
      },
    };
  }
}
