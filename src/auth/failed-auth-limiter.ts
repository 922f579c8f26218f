/**
 * Failed authentication, counted per client IP address in Redis (shared by every API process):
 * after `maxFailures` wrong or revoked credentials within `windowSeconds`, that address is refused
 * with 429 and Retry-After until the window ends — whatever it sends, a valid key included, so
 * guessing gains nothing. While Redis cannot be reached each process counts in its own memory.
 */
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export interface FailedAuthLimiterOptions {
  /** Redis key prefix. */
  prefix: string;
  maxFailures?: number;
  windowSeconds?: number;
}

export class FailedAuthLimiter {
  readonly maxFailures: number;
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, options: FailedAuthLimiterOptions) {
    this.maxFailures = options.maxFailures ?? 20;
    const windowSeconds = options.windowSeconds ?? 60;
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${options.prefix}:auth-fail`,
      points: this.maxFailures,
      duration: windowSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: this.maxFailures, duration: windowSeconds }),
    });
  }

  /** Seconds until this address may try again, or null when it may try now. */
  async retryAfter(ip: string): Promise<number | null> {
    const state = await this.limiter.get(ip).catch(() => null);
    if (!state || state.consumedPoints < this.maxFailures) return null;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  }

  /** Counts one failed authentication from this address. */
  async recordFailure(ip: string): Promise<void> {
    await this.limiter.consume(ip).catch((reason: unknown) => {
      // Over the limit is the expected refusal; the next request from this address gets the 429.
      if (reason instanceof RateLimiterRes) return;
      throw reason;
    });
  }
}
