/**
 * The API process (`serve --role api`, the built program) killed with SIGKILL while it writes a
 * batch of 1,000 events: the kill comes once PostgreSQL shows the batch's transaction open. The
 * batch is all there or not at all — every event with its dossier and its notice, or none of them
 * — and sent again to the restarted API it is completed, nothing doubled.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "../../../src/app/context.js";
import { parseEnv } from "../../../src/config/env.js";
import { createLogger } from "../../../src/logging/logger.js";
import { projectRoot } from "../../../src/paths.js";
import { cloneTestDatabase } from "../../support/databases.js";
import { freePort } from "../../support/notify-stack.js";

let database: { url: string; drop(): Promise<void> };
let ctx: AppContext;
let watcher: pg.Client;
let key: string;
const prefix = `ik${randomBytes(4).toString("hex")}`;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await cloneTestDatabase();
  ctx = createAppContext(parseEnv({ ...process.env, DATABASE_URL: database.url, QUEUE_PREFIX: prefix }), createLogger({ level: "silent" }));
  key = (await ctx.apiKeys.create({ name: "kill test upstream", role: "INTEGRATION" })).key;
  watcher = new pg.Client({ connectionString: database.url });
  await watcher.connect();
});

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await watcher?.end();
  await ctx?.close();
  await database?.drop();
});

async function startApi(port: number): Promise<ChildProcess> {
  const env = { ...process.env, NODE_ENV: "test", DATABASE_URL: database.url, QUEUE_PREFIX: prefix, PORT: String(port), HOST: "127.0.0.1", PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: "fatal" };
  const child = spawn(process.execPath, [path.join(projectRoot, "bin", "motcua.js"), "serve", "--role", "api"], { env, stdio: ["ignore", "ignore", "inherit"] });
  children.push(child);
  const until = Date.now() + 60_000;
  while ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status !== 200) {
    if (Date.now() > until || child.exitCode !== null) throw new Error("the API did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

/** What PostgreSQL holds of a batch: its events, their dossiers and their notices. */
async function held(eventIds: string[]): Promise<{ events: number; dossiers: number; notices: number }> {
  const { rows } = await watcher.query<{ events: number; dossiers: number; notices: number }>(
    `SELECT count(*)::int AS events, count(DISTINCT e."dossierId")::int AS dossiers,
            (SELECT count(*)::int FROM "Notice" n WHERE n."eventId" IN (SELECT id FROM "DossierEvent" WHERE "eventId" = ANY($1::text[]))) AS notices
       FROM "DossierEvent" e WHERE e."eventId" = ANY($1::text[])`,
    [eventIds],
  );
  return rows[0]!;
}

describe("the API killed (SIGKILL) in the middle of a batch", () => {
  it("stores all of the batch or none of it, and the batch sent again is completed once", async () => {
    const outcomes: number[] = [];
    for (let round = 0; round < 2; round += 1) {
      const port = await freePort();
      const api = await startApi(port);
      const events = Array.from({ length: 1000 }, (_, i) => ({
        eventId: `kill-${round}-${i}-${randomBytes(3).toString("hex")}`,
        dossierCode: `H15.50.05.13-261130-${round}${String(i).padStart(4, "0")}${randomBytes(1).readUInt8() % 10}`,
        status: "RECEIVED",
        occurredAt: "2026-11-30T09:15:00+07:00",
        procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
        applicant: { fullName: "Trần Thị Bình", phone: `09${round + 1}${String(1_000_000 + i * 7 + round).slice(-7)}` },
        communeCode: "29955",
      }));
      const body = JSON.stringify({ events });
      const sending = fetch(`http://127.0.0.1:${port}/api/v1/dossier-events/batch`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body }).then(
        (r) => r.status,
        () => "cut",
      );
      // The batch's transaction is open (read done, write not committed): the power goes.
      const until = Date.now() + 30_000;
      for (;;) {
        const { rows } = await watcher.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND (state = 'idle in transaction' OR query LIKE '%dossier_ingest_write%') LIMIT 1`,
        );
        if (rows.length) break;
        if (Date.now() > until) throw new Error("never saw the batch's transaction open");
      }
      api.kill("SIGKILL");
      await new Promise((r) => (api.exitCode !== null || api.signalCode !== null ? r(null) : api.once("exit", r)));
      expect(await sending).toBe("cut");
      const ids = events.map((e) => e.eventId);
      // PostgreSQL notices the lost connection and rolls back (or had committed the whole batch).
      const settle = Date.now() + 10_000;
      while (Date.now() < settle) {
        const { rows } = await watcher.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' LIMIT 1`);
        if (rows.length === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const after = await held(ids);
      expect([0, 1000], JSON.stringify(after)).toContain(after.events);
      expect(after).toEqual({ events: after.events, dossiers: after.events, notices: after.events });
      outcomes.push(after.events);

      const again = await startApi(port);
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/dossier-events/batch`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ accepted: 1000 - after.events, duplicates: after.events });
      expect(await held(ids)).toEqual({ events: 1000, dossiers: 1000, notices: 1000 });
      again.kill("SIGTERM");
      await new Promise((r) => (again.exitCode !== null ? r(null) : again.once("exit", r)));
    }
    console.info(`ingest kill: events held after each SIGKILL mid-batch: ${outcomes.join(", ")} (of 1,000)`);
  }, 240_000);
});
