/**
 * `motcua serve --role worker` as deployed: the built program in a process of its own, built on
 * the core context. It delivers a notice written in PostgreSQL (outbox → relay → BullMQ → Telegram)
 * and loads none of the API's, the bot's or the console's libraries; and killed (SIGKILL) while
 * it writes a batch of results, the next worker neither resends nor loses any of them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotices, viaPg, wakeRelay } from "../../../src/notifications/notice-store.js";
import { projectRoot } from "../../../src/paths.js";
import { TelegramFake } from "../../fakes/telegram-fake.js";
import { TwilioFake } from "../../fakes/twilio-fake.js";
import { cloneTestDatabase } from "../../support/databases.js";

const bin = path.join(projectRoot, "bin", "motcua.js");
const recorder = path.join(projectRoot, "test", "support", "record-modules.mjs");
const packageOf = (url: string) => url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];

let database: { url: string; drop(): Promise<void> };
const telegram = new TelegramFake();
const twilio = new TwilioFake();
const scratch = mkdtempSync(path.join(tmpdir(), "motcua-worker-test-"));

beforeAll(async () => {
  database = await cloneTestDatabase();
  await Promise.all([telegram.start(), twilio.start()]);
});
afterAll(async () => {
  await Promise.all([telegram.stop(), twilio.stop()]);
  await database.drop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the worker process (serve --role worker)", () => {
  it("delivers a notice from the outbox, and loads no HTTP server, chat-bot engine, template, spreadsheet, PDF or password library", async () => {
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

      const deadline = Date.now() + 60_000;
      while (!telegram.sent.some((m) => m.chatId === chatId)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the worker delivered nothing: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(telegram.sent.find((m) => m.chatId === chatId)!.text).toContain("H15.50.05.13-261201-000001");
      // Telegram's answer is its delivery: the result is recorded once the answer is back.
      await until(async () => (await pool.query<{ status: string }>(`SELECT status FROM "Notice" WHERE id = $1`, [ids[0]])).rows[0]!.status === "DELIVERED", "the notice recorded DELIVERED");

      const packages = new Set(readFileSync(log, "utf8").split("\n").map(packageOf).filter(Boolean));
      expect(packages.has("bullmq")).toBe(true); // the recorder saw the worker's own libraries
      for (const unneeded of ["fastify", "@fastify/static", "nunjucks", "exceljs", "pdfkit", "@node-rs/argon2", "qrcode", "csv-parse", "telegraf"]) expect(packages.has(unneeded), unneeded).toBe(false);
    } finally {
      await pool.end();
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    }
    expect(child.exitCode, stderr).toBe(0);
  }, 120_000);
});

/** The application_name of the test's own connections. */
const OBSERVER = "worker-process-test";

/** A worker process on the test database, with the fake Telegram and Twilio. */
function startWorker(prefix: string, env: Record<string, string> = {}): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [bin, "serve", "--role", "worker"], {
    env: { ...process.env, DATABASE_URL: database.url, ...telegram.env(), ...twilio.env(), QUEUE_PREFIX: prefix, RELAY_SWEEP_MS: "500", QUIET_HOURS: "off", RATE_LIMITS: "off", LOG_LEVEL: "fatal", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c) => (stderr += String(c)));
  return { child, stderr: () => stderr };
}

async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a worker killed while it writes a batch of results", () => {
  it("leaves nothing sent twice and nothing lost: SMS found at Twilio and recorded sent, Telegram recorded unknown, none resent", async () => {
    const PER_CHANNEL = 25;
    // Named, so the dead worker's backends are told from the test's own (pg_stat_activity).
    const pool = new pg.Pool({ connectionString: database.url, max: 4, application_name: OBSERVER });
    const prefix = `k${randomBytes(4).toString("hex")}`;
    const workers: ChildProcess[] = [];
    let lock: pg.PoolClient | undefined;
    try {
      // Citizens on Telegram (a chat) and on SMS (a phone only), one notice each.
      const telegramChats: string[] = [];
      const smsPhones: string[] = [];
      const citizens: string[] = [];
      for (let i = 0; i < 2 * PER_CHANNEL; i += 1) {
        const id = randomUUID();
        const phone = `+8493${String(1_000_000 + Math.floor(Math.random() * 8_000_000)).slice(0, 7)}`;
        await pool.query(`INSERT INTO "Citizen" (id, phone, "updatedAt") VALUES ($1, $2, now()) ON CONFLICT DO NOTHING`, [id, phone]);
        if (i < PER_CHANNEL) {
          const chat = String(9_000_000 + i + Math.floor(Math.random() * 100_000) * 100);
          await pool.query(`INSERT INTO "ChannelIdentity" (id, channel, "externalId", "citizenId", "updatedAt") VALUES (gen_random_uuid(), 'TELEGRAM', $1, $2, now())`, [chat, id]);
          telegramChats.push(chat);
        } else smsPhones.push(phone);
        citizens.push(id);
      }
      // Slow providers: every send is in flight together, and their answers come back together.
      telegram.replyDelayMs = 8000;
      twilio.replyDelayMs = 8000;
      const first = startWorker(prefix, { CLAIM_LEASE_MS: "600000" });
      workers.push(first.child);
      const ids = await createNotices(
        viaPg(pool),
        citizens.map((citizenId, i) => ({ type: "RECEIVED", citizenId, variables: { dossierCode: `H15.50.05.13-261201-${String(i).padStart(6, "0")}` }, urgent: false, dedupeKey: randomUUID() })),
      );
      await wakeRelay(viaPg(pool), ids);
      // Every attempt is written (the providers are being called): the results are held back from
      // here by a lock on the attempts, so the worker's result statements wait in PostgreSQL.
      await until(async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "NoticeAttempt" WHERE "noticeId" = ANY($1::uuid[]) AND "dispatchedAt" IS NOT NULL`, [ids])).rows[0]!.n === ids.length, "every attempt written", 90_000);
      lock = await pool.connect();
      await lock.query("BEGIN");
      await lock.query(`LOCK TABLE "NoticeAttempt" IN EXCLUSIVE MODE`);
      await until(async () => telegram.sent.filter((m) => telegramChats.includes(m.chatId)).length === PER_CHANNEL && twilio.messages.filter((m) => smsPhones.includes(m.to)).length === PER_CHANNEL, "every provider call made");
      // The worker has every answer and is writing them: its result statements wait for the lock,
      // each carrying a batch (at most two in flight for fifty results).
      const waiting = await until(async () => {
        const rows = await pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE "NoticeAttempt" a%'`,
        );
        return rows.rows.length > 0 && rows.rows.map((r) => r.pid);
      }, "the result statements waiting");
      expect(waiting.length).toBeLessThanOrEqual(2);
      first.child.kill("SIGKILL");
      await new Promise((r) => (first.child.exitCode !== null || first.child.signalCode !== null ? r(null) : first.child.once("exit", r)));
      // A statement already sent would still be carried out by PostgreSQL once the lock is gone
      // (its batch recorded whole). Here the batches die with the worker: none of their results
      // is written, and the next worker must settle them without sending again. Every backend of
      // the dead worker ends, not only the statements seen waiting above: a second batch that
      // reached PostgreSQL after that look would otherwise record its results after the count
      // below (counted as held, then found recorded, not settled by asking). Once they are gone
      // no statement of the dead worker can land.
      const dead = await pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND application_name <> $1`,
        [OBSERVER],
      );
      const deadPids = dead.rows.map((r) => r.pid);
      expect(deadPids).toEqual(expect.arrayContaining(waiting));
      await pool.query(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, [deadPids]);
      await until(async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [deadPids])).rows[0]!.n === 0, "the dead worker's backends ended");
      await lock.query("ROLLBACK");
      lock.release();
      lock = undefined;
      // Killed mid-batch: the notices whose results were waiting are still claimed by the dead
      // worker, their attempts dispatched (a result that got in before the lock is recorded).
      const held = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Notice" WHERE id = ANY($1::uuid[]) AND status = 'SENDING'`, [ids]);
      expect(held.rows[0]!.n).toBeGreaterThanOrEqual(ids.length / 2);

      telegram.replyDelayMs = 0;
      twilio.replyDelayMs = 0;
      // The next worker releases the dead claims at once (a short lease) and asks the providers.
      const second = startWorker(prefix, { CLAIM_LEASE_MS: "1000" });
      workers.push(second.child);
      const settled = await until(async () => {
        const rows = await pool.query<{ id: string; status: string; checkAt: Date | null; channel: string; outcome: string | null; attempts: number }>(
          `SELECT n.id, n.status::text, n."checkAt", a.channel::text, a.outcome, (SELECT count(*)::int FROM "NoticeAttempt" x WHERE x."noticeId" = n.id) AS attempts
             FROM "Notice" n JOIN "NoticeAttempt" a ON a."noticeId" = n.id WHERE n.id = ANY($1::uuid[])`,
          [ids],
        );
        const done = rows.rows.every((r) =>
          r.channel === "SMS" ? r.status === "SENT" || r.status === "DELIVERED" : r.status === "DELIVERED" || (r.status === "UNCONFIRMED" && r.outcome === "unknown" && r.checkAt === null),
        );
        return rows.rows.length === ids.length && done && rows.rows;
      }, `the second worker settling every notice: ${second.stderr()}`);
      // One attempt each, never repeated; SMS found at Twilio (by its text: the SID was never recorded).
      expect(settled.every((r) => r.attempts === 1)).toBe(true);
      const unknown = settled.filter((r) => r.status === "UNCONFIRMED").length;
      const reconciled = settled.filter((r) => r.channel === "SMS" && r.outcome?.startsWith("reconciled_")).length;
      expect(unknown + reconciled).toBe(held.rows[0]!.n); // every held result was settled by asking, none by sending again
      // Each citizen got exactly one message; a few more sweeps change nothing.
      await new Promise((r) => setTimeout(r, 2000));
      for (const chat of telegramChats) expect(telegram.sent.filter((m) => m.chatId === chat)).toHaveLength(1);
      for (const phone of smsPhones) expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    } finally {
      if (lock) {
        await lock.query("ROLLBACK").catch(() => undefined);
        lock.release();
      }
      telegram.replyDelayMs = 0;
      twilio.replyDelayMs = 0;
      await pool.end();
      for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
    }
  }, 240_000);
});
