/**
 * Redis flushed under a running worker role (FLUSHDB on a Redis database of this test's own: the
 * same as FLUSHALL for the service, without touching the other tests' databases). The queued jobs
 * and the job schedules go with it. Nothing is lost: the relay's sweep puts every notice still due
 * back in the queue, and the worker puts its schedules back (the announcements' tick among them);
 * nothing is sent twice: a notice is claimed in PostgreSQL before it is sent.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotices, viaPg, wakeRelay } from "../../../src/notifications/notice-store.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

// A Redis database of its own: this test flushes it.
const REDIS_URL = "redis://127.0.0.1:6379/11";
const COMMUNE = "29955";

let s: NotifyStack;
let redis: Redis;
beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  s = await startNotifyStack({ env: { REDIS_URL, RATE_LIMITS: "off", RELAY_SWEEP_MS: "300", BROADCAST_TICK_MS: "300", PROVIDER_TIMEOUT_MS: "15000" } });
});
afterAll(async () => {
  await s?.close();
  redis?.disconnect();
});

let nextChat = 6_100_000_000 + Math.floor(Math.random() * 1e6) * 100;

/** Citizens linked on Telegram; their chat ids. */
async function telegramCitizens(n: number): Promise<{ citizenId: string; chat: string }[]> {
  const people = Array.from({ length: n }, () => ({ citizenId: randomUUID(), chat: String(nextChat++) }));
  await s.ctx.pool.query(`INSERT INTO "Citizen" (id, "updatedAt") SELECT id, now() FROM unnest($1::uuid[]) AS id`, [people.map((p) => p.citizenId)]);
  await s.ctx.pool.query(
    `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "citizenId", "updatedAt")
     SELECT gen_random_uuid(), 'TELEGRAM', t.chat, t.citizen, now() FROM unnest($1::text[], $2::uuid[]) AS t(chat, citizen)`,
    [people.map((p) => p.chat), people.map((p) => p.citizenId)],
  );
  return people;
}

describe("Redis flushed while the worker delivers", () => {
  it("every notice is delivered once, and the announcements' schedule comes back: a scheduled announcement still goes, once", async () => {
    const people = await telegramCitizens(150);
    s.telegram.replyDelayMs = 40;
    const ids = await createNotices(
      viaPg(s.ctx.pool),
      people.map((p, i) => ({ type: "RECEIVED", citizenId: p.citizenId, variables: { dossierCode: `H15.50.05.13-261201-${String(i).padStart(6, "0")}` }, urgent: false, dedupeKey: randomUUID() })),
    );
    await wakeRelay(viaPg(s.ctx.pool), ids);
    const chats = new Set(people.map((p) => p.chat));
    const sentTo = () => s.telegram.sent.filter((m) => m.method === "sendMessage" && chats.has(m.chatId));
    await s.waitFor(async () => sentTo().length >= 20, "the first messages out", 30_000);
    expect(await s.ctx.queue.queue.getJobSchedulersCount()).toBeGreaterThan(0);
    // Flushed and counted in one MULTI: the worker's schedule check runs every sweep and may put
    // the schedules back at any moment after the flush (which is what this test wants of it), so
    // a separate count could already see them back.
    const [[, flushed], [, keysLeft]] = (await redis.multi().flushdb().dbsize().exec()) as [[null, string], [null, number]];
    expect(flushed).toBe("OK");
    expect(keysLeft).toBe(0);

    // Nothing lost, nothing twice.
    const delivered = async () =>
      (await s.ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Notice" WHERE id = ANY($1::uuid[]) AND status = 'DELIVERED'`, [ids])).rows[0]!.n === ids.length;
    await s.waitFor(delivered, "every notice delivered", 60_000);
    const perChat = new Map<string, number>();
    for (const m of sentTo()) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
    expect(perChat.size).toBe(people.length);
    expect([...perChat.values()].every((n) => n === 1)).toBe(true);

    // The schedules are back, and a scheduled announcement made after the flush goes at its time.
    await s.waitFor(async () => (await s.ctx.queue.queue.getJobScheduler("broadcast-tick")) !== undefined, "the announcements' tick scheduled again", 15_000);
    const [resident] = await telegramCitizens(1);
    const hamlet = await s.ctx.db.hamlet.create({ data: { communeCode: COMMUNE, name: "Khóm Sau Khi Xóa", searchName: `khom-sau-khi-xoa-${randomUUID()}` } });
    const identity = (await s.ctx.pool.query<{ id: string }>(`SELECT id FROM "ChannelIdentity" WHERE "externalId" = $1`, [resident!.chat])).rows[0]!.id;
    await s.ctx.pool.query(`INSERT INTO "Subscription" (id, kind, "identityId", "citizenId", "communeCode", "hamletId") VALUES (gen_random_uuid(), 'AREA', $1, $2, $3, $4)`, [
      identity,
      resident!.citizenId,
      COMMUNE,
      hamlet.id,
    ]);
    const { key } = await s.ctx.apiKeys.create({ name: "Cán bộ Hồng Ngự", role: "COMMUNE_STAFF", unitCode: COMMUNE });
    const call = async (path: string, body: unknown) =>
      (await fetch(s.baseUrl + path, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<any>;
    // Far enough ahead that a loaded machine still asks to send before the hour: only the tick,
    // scheduled again after the flush, can then start it.
    const draft = await call("/api/v1/broadcasts", { communeCode: COMMUNE, hamletIds: [hamlet.id], title: "Cắt điện", body: "Sáng mai cắt điện từ 7 giờ đến 11 giờ.", scheduledAt: new Date(Date.now() + 6000).toISOString() });
    expect((await call(`/api/v1/broadcasts/${draft.id}/send`, {})).status).toBe("SCHEDULED");
    await s.waitFor(
      async () => (await s.ctx.pool.query<{ status: string }>(`SELECT status FROM "Broadcast" WHERE id = $1`, [draft.id])).rows[0]!.status === "SENT",
      "the scheduled announcement sent",
      30_000,
    );
    expect(s.telegram.sent.filter((m) => m.method === "sendMessage" && m.chatId === resident!.chat)).toHaveLength(1);
  }, 120_000);
});
