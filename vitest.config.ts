import { defineConfig } from "vitest/config";

// Tests run against the real PostgreSQL and Redis, in a database of their own that
// test/support/global-setup.ts recreates, migrates and seeds before every run.
import { testDatabaseUrl as databaseUrl, testRedisUrl as redisUrl } from "./test/support/test-env.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: "silent", NODE_ENV: "test", QUIET_HOURS: "off" },
    // Liveness bounds, not speed checks: on a loaded 2-core machine a search-heavy test took 34 s.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
  },
});
