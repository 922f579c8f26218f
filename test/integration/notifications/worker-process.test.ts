/**
 * `motcua serve --role worker` as deployed: the built program in a process of its own, built on
 * the core context. It delivers a notice written in PostgreSQL (outbox → relay → BullMQ → Telegram)
 * and loads none of the API's, the bot's or the console's libraries.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotices, viaPg, wakeRelay } from "../../../src/notifications/notice-store.js";
import { projectRoot } from "../../../src/paths.js";
import { TelegramFake } from "../../fakes/telegram-fake.js";
import { cloneTestDatabase } from "../../support/databases.js";

const bin = path.join(projectRoot, "bin", "motcua.js");
const recorder = path.join(projectRoot, "test", "support", "record-modules.mjs");
const packageOf = (url: string) => url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];

let database: { url: string; drop(): Promise<void> };
const telegram = new TelegramFake();
const scratch = mkdtempSync(path.join(tmpdir(), "motcua-worker-test-"));

beforeAll(async () => {
  database = await cloneTestDatabase();
  await telegram.start();
});
afterAll(async () => {
  await telegram.stop();
  await database.drop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the worker process (serve --role worker)", () => {
  it("delivers a notice from the outbox, and loads no HTTP server, template, spreadsheet, PDF or password library", async () => {
    const log = path.join(scratch, "modules.txt");
    writeFileSync(log, "");
    const child = spawn(process.execPath, ["--import", recorder, bin, "serve", "--role", "worker"], {
      env: { ...process.env, DATABASE_URL: database.url, ...telegram.env(), QUEUE_PREFIX: `w${randomBytes(4).toString("hex")}`, RELAY_SWEEP_MS: "500", QUIET_HOURS: "off", LOG_LEVEL: "error", MOTCUA_MODULE_LOG: log },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += String(c)));
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    try {
      const chatId = String(8_000_000 + Math.floor(Math.random() * 1_000_000));
      const citizenId = randomUUID();
      await pool.query(`INSERT INTO "Citizen" (id, phone, "updatedAt") VALUES ($1, $2, now())`, [citizenId, `+8490${chatId.slice(-7)}`]);
      await pool.query(`INSERT INTO "ChannelIdentity" (id, channel, "externalId", "citizenId", "updatedAt") VALUES (gen_random_uuid(), 'TELEGRAM', $1, $2, now())`, [chatId, citizenId]);
      const ids = await createNotices(viaPg(pool), [{ type: "RECEIVED", citizenId, variables: { dossierCode: "H15.50.05.13-261201-000001" }, urgent: false, dedupeKey: randomUUID() }]);
      await wakeRelay(viaPg(pool), ids);

      const until = Date.now() + 60_000;
      while (!telegram.sent.some((m) => m.chatId === chatId)) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`the worker delivered nothing: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(telegram.sent.find((m) => m.chatId === chatId)!.text).toContain("H15.50.05.13-261201-000001");
      const stored = await pool.query<{ status: string }>(`SELECT status FROM "Notice" WHERE id = $1`, [ids[0]]);
      expect(stored.rows[0]!.status).toBe("DELIVERED");

      const packages = new Set(readFileSync(log, "utf8").split("\n").map(packageOf).filter(Boolean));
      expect(packages.has("bullmq")).toBe(true); // the recorder saw the worker's own libraries
      for (const unneeded of ["fastify", "@fastify/static", "nunjucks", "exceljs", "pdfkit", "@node-rs/argon2", "qrcode", "csv-parse"]) expect(packages.has(unneeded), unneeded).toBe(false);
    } finally {
      await pool.end();
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    }
    expect(child.exitCode, stderr).toBe(0);
  }, 120_000);
});
