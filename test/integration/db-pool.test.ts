/**
 * The service's connection pool against a client that stops in the middle of a transaction: the
 * session is ended by PostgreSQL (idle_in_transaction_session_timeout), its row locks freed, and the
 * pool serves on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, IDLE_IN_TRANSACTION_TIMEOUT_MS } from "../../src/db/pool.js";
import { cloneTestDatabase } from "../support/databases.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
beforeAll(async () => {
  database = await cloneTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("a transaction left idle", () => {
  it("every session of the pool ends a transaction idle for a minute", async () => {
    expect(IDLE_IN_TRANSACTION_TIMEOUT_MS).toBe(60_000);
    const pool = createPool(database.url, { max: 1 });
    try {
      expect((await pool.query(`SHOW idle_in_transaction_session_timeout`)).rows[0].idle_in_transaction_session_timeout).toBe("1min");
    } finally {
      await pool.end();
    }
  });

  it("a client that stops holding a row lock inside BEGIN is ended, the lock freed, and the pool serves on", async () => {
    const pool = createPool(database.url, { max: 2, idleInTransactionTimeoutMs: 500 });
    try {
      await pool.query(`CREATE TABLE attack_idle (id int PRIMARY KEY, n int NOT NULL); INSERT INTO attack_idle VALUES (1, 0)`);
      // A request that took the row's lock and then hung (never committed, never released).
      const stuck = await pool.connect();
      await stuck.query(`BEGIN`);
      await stuck.query(`UPDATE attack_idle SET n = n + 1 WHERE id = 1`);
      // Another writer of the same row waits for the lock, and gets it once the stuck session is ended.
      await pool.query(`UPDATE attack_idle SET n = n + 10 WHERE id = 1`);
      // The stuck transaction was rolled back: only the second write holds.
      expect((await pool.query(`SELECT n FROM attack_idle WHERE id = 1`)).rows[0].n).toBe(10);
      // Its client finds its connection gone, and the pool drops it when it comes back.
      await expect(stuck.query(`COMMIT`)).rejects.toThrow();
      stuck.release(true);
      expect((await Promise.all([pool.query(`SELECT 1 AS one`), pool.query(`SELECT 1 AS one`)])).map((r) => r.rows[0].one)).toEqual([1, 1]);
    } finally {
      await pool.end();
    }
  }, 30_000);
});
