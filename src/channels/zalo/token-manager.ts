/**
 * The Zalo OA access token: valid 25 h, renewed with a single-use refresh token. Two processes
 * refreshing at once would lose the pair for good, so a refresh happens under a Redis lock, and
 * the new pair is written to PostgreSQL before it is used.
 *
 * The lock is a lease no shorter than the call it guards: its TTL is the OAuth call's timeout plus
 * a margin, and its holder renews it while it works, so it lapses only when its holder is gone.
 * Should it lapse all the same (a process stalled past it), the save is fenced: the new pair is
 * written only if the stored refresh token is still the one this refresher spent (compare-and-set
 * in SQL), so a refresher that lost its lock never overwrites a newer pair.
 *
 * The pair's row (ProviderToken) is read and written here only, with SQL on the pg pool.
 */
import { randomUUID } from "node:crypto";
import axios, { type AxiosInstance } from "axios";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";
import type pg from "pg";
import { ChannelError } from "../channel.js";

const PROVIDER = "zalo_oa";
/**
 * The least time a refresh waits for Zalo's answer. Zalo rotates the pair as it answers: a refresh
 * abandoned after Zalo took it has spent the refresh token, and the pair is lost for good. A
 * refresh happens about once a day, so it may wait longer than a message send does.
 */
export const MIN_OAUTH_TIMEOUT_MS = 10_000;
const DEFAULT_OAUTH_TIMEOUT_MS = MIN_OAUTH_TIMEOUT_MS;
/** Lock TTL beyond the OAuth call's timeout: the reads and the write around it. */
const LOCK_MARGIN_MS = 5_000;
/** Renew when less than this is left. */
export const REFRESH_MARGIN_MS = 2 * 60 * 60 * 1000;

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().positive()),
});

const oauthError = z.object({ error: z.number(), error_name: z.string().optional(), error_reason: z.string().optional(), error_description: z.string().optional() });

export interface ZaloTokenOptions {
  pool: pg.Pool;
  redis: Redis;
  logger: Logger;
  appId: string;
  appSecret: string;
  initialRefreshToken: string;
  oauthBase: string;
  /** Redis key of the refresh lock (one per deployment). */
  lockKey?: string;
  http?: AxiosInstance;
  /** The OAuth call's timeout (default: the http client's, else 10 s). */
  oauthTimeoutMs?: number;
  /** The refresh lock's lease, renewed while held (default: the OAuth timeout + 5 s). */
  lockTtlMs?: number;
  now?: () => Date;
}

export class ZaloTokenManager {
  private readonly http: AxiosInstance;
  private readonly now: () => Date;
  /** Refreshes performed by this process (for tests and metrics). */
  refreshCount = 0;

  private readonly lockKey: string;
  private readonly oauthTimeoutMs: number;
  private readonly lockTtlMs: number;

  constructor(private readonly options: ZaloTokenOptions) {
    this.lockKey = options.lockKey ?? "motcua:lock:zalo-token-refresh";
    this.oauthTimeoutMs = options.oauthTimeoutMs ?? (options.http?.defaults.timeout || DEFAULT_OAUTH_TIMEOUT_MS);
    this.lockTtlMs = options.lockTtlMs ?? this.oauthTimeoutMs + LOCK_MARGIN_MS;
    this.http = options.http ?? axios.create({ timeout: this.oauthTimeoutMs });
    this.now = options.now ?? (() => new Date());
  }

  private async current(): Promise<{ accessToken: string; refreshToken: string; expiresAt: Date } | undefined> {
    const { rows } = await this.options.pool.query<{ accessToken: string; refreshToken: string; expiresAt: Date }>(
      `SELECT "accessToken", "refreshToken", "expiresAt" FROM "ProviderToken" WHERE provider = $1`,
      [PROVIDER],
    );
    return rows[0];
  }

  /** The pair last read or written by this process (saves a database read per message). */
  private cached: { accessToken: string; expiresAt: Date } | undefined;

  /** A valid access token, refreshed first when it is missing or about to expire. */
  async accessToken(): Promise<string> {
    if (this.cached && this.cached.expiresAt.getTime() - this.now().getTime() > REFRESH_MARGIN_MS) return this.cached.accessToken;
    const row = await this.current();
    if (row && row.expiresAt.getTime() - this.now().getTime() > REFRESH_MARGIN_MS) {
      this.cached = { accessToken: row.accessToken, expiresAt: row.expiresAt };
      return row.accessToken;
    }
    return this.refresh(row?.accessToken);
  }

  /**
   * Refreshes the pair unless another process already did. `staleAccessToken` is the token that
   * failed (or is expiring); if the stored one differs, it is already fresh and is returned as is.
   */
  async refresh(staleAccessToken?: string): Promise<string> {
    const lockValue = randomUUID();
    // A waiter gives up once a live holder would surely have finished (renewals keep its lock).
    const deadline = Date.now() + this.oauthTimeoutMs + this.lockTtlMs;
    for (;;) {
      const got = await this.options.redis.set(this.lockKey, lockValue, "PX", this.lockTtlMs, "NX");
      if (got === "OK") break;
      await new Promise((r) => setTimeout(r, 50));
      const row = await this.current();
      if (row && row.accessToken !== staleAccessToken && row.expiresAt.getTime() - this.now().getTime() > REFRESH_MARGIN_MS) return this.remember(row);
      if (Date.now() > deadline) throw new ChannelError("retry", "TOKEN_LOCK", "another process is refreshing the Zalo token");
    }
    // Renew the lease while this refresh works; only our own lock is extended.
    const renewal = setInterval(() => {
      void this.options.redis
        .eval('if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end', 1, this.lockKey, lockValue, String(this.lockTtlMs))
        .catch(() => undefined);
    }, Math.max(10, Math.floor(this.lockTtlMs / 3)));
    renewal.unref();
    try {
      const row = await this.current();
      if (row && row.accessToken !== staleAccessToken && row.expiresAt.getTime() - this.now().getTime() > REFRESH_MARGIN_MS) return this.remember(row);
      const refreshToken = row?.refreshToken ?? this.options.initialRefreshToken;
      const pair = await this.callOAuth(refreshToken);
      const expiresAt = new Date(this.now().getTime() + pair.expires_in * 1000);
      // Persist before use (the old refresh token is already spent), fenced: only over the pair
      // whose refresh token this refresher spent.
      const values = [PROVIDER, pair.access_token, pair.refresh_token, expiresAt.toISOString()];
      const saved = row
        ? (
            await this.options.pool.query(
              `UPDATE "ProviderToken" SET "accessToken" = $2, "refreshToken" = $3, "expiresAt" = $4::timestamptz, "updatedAt" = now() WHERE provider = $1 AND "refreshToken" = $5`,
              [...values, refreshToken],
            )
          ).rowCount
        : (
            await this.options.pool.query(
              `INSERT INTO "ProviderToken" (provider, "accessToken", "refreshToken", "expiresAt", "updatedAt") VALUES ($1, $2, $3, $4::timestamptz, now()) ON CONFLICT (provider) DO NOTHING`,
              values,
            )
          ).rowCount;
      if (saved !== 1) {
        const newer = await this.current();
        this.options.logger.warn("zalo OA token refreshed, but a newer pair was saved meanwhile; this one is discarded");
        if (newer && newer.expiresAt.getTime() > this.now().getTime()) return this.remember(newer);
        throw new ChannelError("retry", "TOKEN_LOCK", "the Zalo token pair changed during the refresh");
      }
      this.refreshCount += 1;
      this.remember({ accessToken: pair.access_token, expiresAt });
      this.options.logger.info({ expiresAt }, "zalo OA token refreshed");
      return pair.access_token;
    } finally {
      clearInterval(renewal);
      // Release only our own lock.
      await this.options.redis.eval('if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end', 1, this.lockKey, lockValue);
    }
  }

  private remember(row: { accessToken: string; expiresAt: Date }): string {
    this.cached = { accessToken: row.accessToken, expiresAt: row.expiresAt };
    return row.accessToken;
  }

  /** Renews the pair if it expires within the margin; used by the scheduled job. */
  async refreshIfExpiring(): Promise<boolean> {
    const row = await this.current();
    if (row && row.expiresAt.getTime() - this.now().getTime() > REFRESH_MARGIN_MS) return false;
    await this.refresh(row?.accessToken);
    return true;
  }

  private async callOAuth(refreshToken: string) {
    const body = new URLSearchParams({ refresh_token: refreshToken, app_id: this.options.appId, grant_type: "refresh_token" });
    let data: unknown;
    try {
      const res = await this.http.post(`${this.options.oauthBase}/v4/oa/access_token`, body.toString(), {
        headers: { "content-type": "application/x-www-form-urlencoded", secret_key: this.options.appSecret },
        timeout: this.oauthTimeoutMs,
        validateStatus: () => true,
      });
      if (res.status >= 500) throw new ChannelError("retry", String(res.status), `Zalo OAuth answered ${res.status}`);
      data = res.data;
    } catch (error) {
      if (error instanceof ChannelError) throw error;
      throw new ChannelError("retry", (error as { code?: string }).code ?? "NETWORK", `Zalo OAuth unreachable: ${(error as Error).message}`);
    }
    const ok = tokenResponse.safeParse(data);
    if (ok.success) return ok.data;
    const err = oauthError.safeParse(data);
    const reason = err.success ? `${err.data.error} ${err.data.error_name ?? ""} ${err.data.error_description ?? err.data.error_reason ?? ""}`.trim() : JSON.stringify(data).slice(0, 200);
    throw new ChannelError("fallback", err.success ? String(err.data.error) : "OAUTH", `Zalo OAuth refused the refresh token: ${reason}`);
  }
}
