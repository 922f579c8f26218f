/**
 * Housekeeping deletes the rows kept only for a while — held receipts after an hour, webhook ids
 * after 7 days, one-time codes after a day, the bot's SMS replies after 31 days — and nothing
 * younger; the worker schedules it hourly.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../../src/db/pool.js";
import { Housekeeping } from "../../src/housekeeping/housekeeping.js";
import { NoticeStore } from "../../src/notifications/notice-store.js";
import { jobCatalog } from "../../queues/catalog.js";
import { JOB } from "../../queues/names.js";
import { cloneTestDatabase } from "../support/databases.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let pool: ReturnType<typeof createPool>;
let notices: NoticeStore;

beforeAll(async () => {
  database = await cloneTestDatabase();
  pool = createPool(database.url, { max: 2 });
  notices = new NoticeStore(pool);
});
afterAll(async () => {
  await notices?.close();
  await pool?.end();
  await database?.drop();
});

const count = async (table: string, where: string, params: unknown[]): Promise<number> =>
  Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}" WHERE ${where}`, params)).rows[0]!.n);

describe("housekeeping", () => {
  it("deletes held receipts over an hour old, webhook ids over 7 days old, one-time codes over a day old and SMS replies over 31 days old, and keeps the younger ones", async () => {
    const tag = randomUUID().slice(0, 8);
    for (const [id, age] of [[`old-${tag}`, "2 hours"], [`new-${tag}`, "50 minutes"]] as const) {
      await pool.query(`INSERT INTO "EarlyReceipt" (id, channel, "providerMessageId", status, "receivedAt") VALUES (gen_random_uuid(), 'ZALO_OA', $1, 'delivered', now() - $2::interval)`, [id, age]);
    }
    // 5,001 old ids: more than one chunk
    await pool.query(`INSERT INTO "ProcessedWebhook" (source, "externalId", "receivedAt") SELECT 'telegram', $1 || g, now() - interval '8 days' FROM generate_series(1, 5001) g`, [`old-${tag}-`]);
    await pool.query(`INSERT INTO "ProcessedWebhook" (source, "externalId", "receivedAt") VALUES ('zalo', $1, now() - interval '6 days'), ('zalo', $2, now())`, [`week-${tag}`, `now-${tag}`]);
    const citizenId = randomUUID();
    await pool.query(`INSERT INTO "Citizen" (id, phone, "updatedAt") VALUES ($1, $2, now())`, [citizenId, `+8491${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`]);
    for (const [subject, age] of [[`old-${tag}`, "25 hours"], [`new-${tag}`, "2 hours"]] as const) {
      await pool.query(
        `INSERT INTO "OneTimeCode" (id, purpose, subject, conversation, "citizenId", "codeHash", "expiresAt", "createdAt") VALUES (gen_random_uuid(), 'BOOKING', $1, 'WEB:x', $2, 'h', now() - $3::interval + interval '10 minutes', now() - $3::interval)`,
        [subject, citizenId, age],
      );
    }

    for (const [phone, age] of [[`old-${tag}`, "32 days"], [`new-${tag}`, "30 days"]] as const) {
      await pool.query(`INSERT INTO "SmsReply" (id, phone, "inboundSid", kind, "createdAt") VALUES (gen_random_uuid(), $1, 'SM1', 'REPLY', now() - $2::interval)`, [phone, age]);
    }

    const deleted = await new Housekeeping(pool, notices).run();
    expect(deleted.earlyReceipts).toBeGreaterThanOrEqual(1);
    expect(deleted.processedWebhooks).toBeGreaterThanOrEqual(5001);
    expect(deleted.oneTimeCodes).toBeGreaterThanOrEqual(1);
    expect(await count("EarlyReceipt", `"providerMessageId" = ANY($1)`, [[`old-${tag}`]])).toBe(0);
    expect(await count("EarlyReceipt", `"providerMessageId" = ANY($1)`, [[`new-${tag}`]])).toBe(1);
    expect(await count("ProcessedWebhook", `"externalId" LIKE $1`, [`old-${tag}-%`])).toBe(0);
    expect(await count("ProcessedWebhook", `"externalId" = ANY($1)`, [[`week-${tag}`, `now-${tag}`]])).toBe(2);
    expect(await count("OneTimeCode", `subject = ANY($1)`, [[`old-${tag}`]])).toBe(0);
    expect(await count("OneTimeCode", `subject = ANY($1)`, [[`new-${tag}`]])).toBe(1);
    expect(deleted.smsReplies).toBeGreaterThanOrEqual(1);
    expect(await count("SmsReply", `phone = ANY($1)`, [[`old-${tag}`]])).toBe(0);
    expect(await count("SmsReply", `phone = ANY($1)`, [[`new-${tag}`]])).toBe(1);

    // again: nothing left to delete, nothing younger touched
    expect(await new Housekeeping(pool, notices).run()).toMatchObject({ processedWebhooks: 0, oneTimeCodes: 0 });
    expect(await count("ProcessedWebhook", `"externalId" = ANY($1)`, [[`week-${tag}`, `now-${tag}`]])).toBe(2);
  });

  it("is a job of the one catalog, its payload checked", () => {
    const job = jobCatalog[JOB.housekeeping];
    expect(job).toBeDefined();
    expect(job!.schema.safeParse({}).success).toBe(true);
    expect(job!.schema.safeParse({ olderThan: "1970" }).success).toBe(false);
  });
});
