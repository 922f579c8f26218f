/**
 * The Zalo token-refresh lock against a slow fake OAuth endpoint: the lock is a lease renewed while
 * its holder works, so a second refresher never spends the single-use refresh token alongside it;
 * and a refresher whose lock is gone all the same cannot save its pair over a newer one.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZaloTokenManager } from "../../src/channels/zalo/token-manager.js";
import { createDatabase, type Database, type Db } from "../../src/db/client.js";
import { createLogger } from "../../src/logging/logger.js";
import { ZaloFake } from "../fakes/zalo-fake.js";
import { cloneTestDatabase } from "../support/databases.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let dbs: Database;
let db: Db;
let redis: Redis;
let zalo: ZaloFake;
let lockKey = "";

beforeAll(async () => {
  database = await cloneTestDatabase();
  dbs = createDatabase(database.url);
  db = dbs.db;
  redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  zalo = new ZaloFake();
  await zalo.start();
});
afterAll(async () => {
  await zalo.stop();
  redis.disconnect();
  await dbs.close();
  await database.drop();
});
beforeEach(async () => {
  await db.providerToken.deleteMany();
  zalo.reset();
  lockKey = `tokentest${randomBytes(4).toString("hex")}:lock`;
});

const manager = (options: { lockTtlMs: number; oauthTimeoutMs: number }) =>
  new ZaloTokenManager({
    pool: dbs.pool,
    redis,
    logger: createLogger({ level: "silent" }),
    appId: zalo.appId,
    appSecret: zalo.appSecret,
    initialRefreshToken: zalo.refreshToken,
    oauthBase: zalo.url,
    lockKey,
    ...options,
  });

const oauthRequests = () => zalo.received.filter((r) => r.path.startsWith("/v4/oa/access_token"));

async function until(probe: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("Zalo token refresh lock", () => {
  it("an OAuth call slower than the lock's lease: only one refresh reaches OAuth, and the pair saved is the newest", async () => {
    // A lease of 2 s, renewed every third of it: short enough to outlast it quickly, long enough
    // that a loaded machine's stalls (a 300 ms lease lapsed here on a cold start) do not end it.
    zalo.oauthDelayMs = 5000;
    const a = manager({ lockTtlMs: 2000, oauthTimeoutMs: 10_000 });
    const b = manager({ lockTtlMs: 2000, oauthTimeoutMs: 10_000 });
    const first = a.refresh();
    await until(() => oauthRequests().length === 1, "the first refresh reaching OAuth", 15_000);
    // Past the lease: without renewal the lock would have lapsed by now.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await redis.pttl(lockKey)).toBeGreaterThan(0);
    const second = b.refresh();
    const [tokenA, tokenB] = await Promise.all([first, second]);
    expect(oauthRequests()).toHaveLength(1);
    expect(zalo.refreshCount).toBe(1);
    expect(tokenB).toBe(tokenA);
    expect(await db.providerToken.findUnique({ where: { provider: "zalo_oa" } })).toMatchObject({ accessToken: tokenA, refreshToken: zalo.refreshToken });
    expect(await redis.exists(lockKey)).toBe(0); // released
  });

  it("a refresher that lost its lock does not overwrite the newer pair saved meanwhile", async () => {
    // A first pair, so the refresh below spends a stored refresh token.
    zalo.oauthDelayMs = 0;
    const a = manager({ lockTtlMs: 300, oauthTimeoutMs: 3000 });
    const firstToken = await a.refresh();
    zalo.oauthDelayMs = 800;
    const slow = a.refresh(firstToken);
    await until(() => oauthRequests().length === 2, "the slow refresh reaching OAuth");
    // Meanwhile its lock is gone (a stalled process) and another refresher saves a newer pair.
    await redis.del(lockKey);
    const newer = { accessToken: `access-newer-${randomBytes(4).toString("hex")}`, refreshToken: `refresh-newer-${randomBytes(4).toString("hex")}`, expiresAt: new Date(Date.now() + 25 * 3600_000) };
    await db.providerToken.update({ where: { provider: "zalo_oa" }, data: newer });
    const got = await slow;
    expect(oauthRequests()).toHaveLength(2); // it did refresh…
    expect(await db.providerToken.findUnique({ where: { provider: "zalo_oa" } })).toMatchObject(newer); // …but saved nothing over the newer pair
    expect(got).toBe(newer.accessToken);
    expect(a.refreshCount).toBe(1);
  });
});
