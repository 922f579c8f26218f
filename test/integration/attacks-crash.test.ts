/**
 * An attacker's and a power cut's pass over the announcements: a process killed between two
 * steps of one action leaves state that the worker must finish truthfully — nothing sent after a
 * cancel, no announcement shown "waiting" forever, nothing sent twice; and two fan-outs at the
 * same moment keep each other's limits.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";
import { apiJson } from "../support/api-call.js";

const COMMUNE = "29955"; // Phường Hồng Ngự, Đồng Tháp

let s: NotifyStack;
let staff: string;
beforeAll(async () => {
  // No worker: the notices wait in the outbox as they do while a fan-out is under way.
  s = await startNotifyStack({ worker: false, env: { RATE_LIMITS: "off" } });
  staff = (await s.ctx.apiKeys.create({ name: "Cán bộ Hồng Ngự", role: "COMMUNE_STAFF", unitCode: COMMUNE })).key;
});
afterAll(() => s.close());

const call = (method: string, path: string, body?: unknown) => apiJson(s.baseUrl, method, path, staff, body);

/** A hamlet with `n` Telegram subscribers, written as the bot leaves them. */
async function hamletWithSubscribers(n: number): Promise<string> {
  const name = `Khóm Mất Điện ${randomBytes(3).toString("hex")}`;
  const h = await s.ctx.db.hamlet.create({ data: { communeCode: COMMUNE, name, searchName: name.toLowerCase() } });
  const ids = Array.from({ length: n }, () => randomUUID());
  await s.ctx.pool.query(
    `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "displayName", "consentAt", reachable, "lastInteractionAt", "updatedAt")
     SELECT t.id, 'TELEGRAM', t.ext, 'Cư dân thử', now(), true, now(), now() FROM unnest($1::uuid[], $2::text[]) AS t(id, ext)`,
    [ids, ids.map((_, i) => String(8_100_000_000 + Math.floor(Math.random() * 1e6) * 100 + i))],
  );
  await s.ctx.pool.query(
    `INSERT INTO "Subscription" (id, kind, "identityId", "communeCode", "hamletId") SELECT gen_random_uuid(), 'AREA', t.id, $2, $3 FROM unnest($1::uuid[]) AS t(id)`,
    [ids, COMMUNE, h.id],
  );
  return h.id;
}

describe("a cancel cut short by a crash", () => {
  it("the API killed after the announcement was marked cancelled but before its queued notices were: the worker's tick cancels them, and the progress says so", async () => {
    const hamletId = await hamletWithSubscribers(40);
    const created = await call("POST", "/api/v1/broadcasts", { communeCode: COMMUNE, hamletIds: [hamletId], title: "Cúp điện", body: "Sáng mai cúp điện từ 7 giờ đến 11 giờ." });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const sent = await call("POST", `/api/v1/broadcasts/${id}/send`);
    expect(sent.body.status).toBe("SENDING");
    expect(sent.body.counts.queued).toBe(40);

    // What `cancel` has written when its process dies right after its first transaction
    // (kill -9 between the announcement's row and its notices).
    await s.ctx.pool.query(`UPDATE "Broadcast" SET status = 'CANCELLED', "cancelledBy" = 'api-key:x', "cancelledByName" = 'Cán bộ', "cancelledAt" = now(), "updatedAt" = now() WHERE id = $1`, [id]);

    // The restarted worker's tick finishes the cancel.
    await s.ctx.broadcasts.tick();
    const after = await call("GET", `/api/v1/broadcasts/${id}`);
    expect(after.body.status).toBe("CANCELLED");
    expect(after.body.counts.queued).toBe(0);
    expect(after.body.counts.cancelled).toBe(40);
    const open = await s.ctx.pool.query(`SELECT count(*)::int AS n FROM "Notice" WHERE "broadcastId" = $1 AND status IN ('QUEUED', 'DEFERRED')`, [id]);
    expect(open.rows[0].n).toBe(0);
    // Nothing is left for the relay's sweep to enqueue again and again.
    const due = await s.ctx.notices.dueForSending(0, null, 10_000);
    const mine = await s.ctx.pool.query(`SELECT id FROM "Notice" WHERE "broadcastId" = $1`, [id]);
    const ids = new Set(mine.rows.map((r: { id: string }) => r.id));
    expect(due.filter((d) => ids.has(d.id))).toEqual([]);
  });
});

describe("two announcements at once", () => {
  it("a Zalo follower's daily cap holds when two announcements fan out at the same moment (two workers' ticks, a send beside a tick)", async () => {
    const name = `Khóm Hai Tin ${randomBytes(3).toString("hex")}`;
    const h = await s.ctx.db.hamlet.create({ data: { communeCode: COMMUNE, name, searchName: name.toLowerCase() } });
    const identityId = randomUUID();
    await s.ctx.pool.query(
      `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "displayName", "consentAt", reachable, "lastInteractionAt", "updatedAt")
       VALUES ($1, 'ZALO_OA', $2, 'Cư dân Zalo', now(), true, now(), now())`,
      [identityId, `z${randomBytes(8).toString("hex")}`],
    );
    await s.ctx.pool.query(`INSERT INTO "Subscription" (id, kind, "identityId", "communeCode", "hamletId") VALUES (gen_random_uuid(), 'AREA', $1, $2, $3)`, [identityId, COMMUNE, h.id]);
    const draft = async (title: string) => {
      const created = await call("POST", "/api/v1/broadcasts", { communeCode: COMMUNE, hamletIds: [h.id], title, body: "Thông báo của phường." });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    // The first of the day goes out alone (the cap, BROADCAST_ZALO_PER_FOLLOWER_DAY, is 2).
    const first = await draft("Tin thứ nhất");
    await call("POST", `/api/v1/broadcasts/${first}/send`);
    // Two more, started at the same moment: only one of them may still reach the follower.
    const [a, b] = [await draft("Tin thứ hai"), await draft("Tin thứ ba")];
    await s.ctx.pool.query(`UPDATE "Broadcast" SET status = 'SENDING', "updatedAt" = now() WHERE id = ANY($1::uuid[])`, [[a, b]]);
    await Promise.all([s.ctx.broadcasts.start(a), s.ctx.broadcasts.start(b)]);
    const sent = await s.ctx.pool.query(`SELECT count(*)::int AS n FROM "Notice" WHERE "identityId" = $1 AND type = 'BROADCAST'`, [identityId]);
    expect(sent.rows[0].n).toBe(2);
    const capped = await s.ctx.pool.query(`SELECT count(*)::int AS n FROM "BroadcastRecipient" WHERE "identityId" = $1 AND "unreachableReason" = 'zalo-daily-cap'`, [identityId]);
    expect(capped.rows[0].n).toBe(1);
  });
});

describe("a chat that opts out during a fan-out", () => {
  it("HUY sent on Telegram after an urgent announcement's notices were made: nothing more reaches that person for it — not the chat, not the SMS fallback — and it is not listed as a failure to visit", async () => {
    const approver = (await s.ctx.apiKeys.create({ name: "Cán bộ duyệt", role: "COMMUNE_STAFF", unitCode: COMMUNE })).key;
    const name = `Khóm Huỷ ${randomBytes(3).toString("hex")}`;
    const h = await s.ctx.db.hamlet.create({ data: { communeCode: COMMUNE, name, searchName: name.toLowerCase() } });
    const phone = `+8491${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    const citizen = await s.ctx.db.citizen.create({ data: { phone, fullName: "Đặng Văn Huỷ" } });
    const chatId = String(8_300_000_000 + Math.floor(Math.random() * 1e8));
    const identity = await s.ctx.db.channelIdentity.create({ data: { channel: "TELEGRAM", externalId: chatId, citizenId: citizen.id, consentAt: new Date(), reachable: true, lastInteractionAt: new Date() } });
    await s.ctx.db.subscription.create({ data: { kind: "AREA", identityId: identity.id, citizenId: citizen.id, communeCode: COMMUNE, hamletId: h.id } });
    const created = await call("POST", "/api/v1/broadcasts", { communeCode: COMMUNE, hamletIds: [h.id], urgent: true, title: "Nước lên", body: "Nước sông lên nhanh, chuẩn bị di dời." });
    const id = created.body.id as string;
    await call("POST", `/api/v1/broadcasts/${id}/send`);
    const approved = await fetch(`${s.baseUrl}/api/v1/broadcasts/${id}/approve`, { method: "POST", headers: { authorization: `Bearer ${approver}` } });
    expect(approved.status).toBe(200);
    const notice = await s.ctx.db.notice.findFirstOrThrow({ where: { broadcastId: id } });
    expect(notice.channelPlan).toEqual(["TELEGRAM", "SMS"]);

    // Before a worker takes it, the resident sends HUY on that chat.
    await s.ctx.subscriptions.optOut("TELEGRAM", chatId);
    await s.startWorker();
    const done = await s.waitFor(async () => {
      const n = await s.ctx.db.notice.findUniqueOrThrow({ where: { id: notice.id } });
      return ["CANCELLED", "FAILED", "SENT", "DELIVERED", "UNCONFIRMED"].includes(n.status) ? n : null;
    }, "the notice settled");
    expect(s.twilio.messages.filter((m) => m.to === phone)).toEqual([]);
    expect(s.telegram.sent.filter((m) => String(m.chatId) === chatId)).toEqual([]);
    expect(done.status).toBe("CANCELLED");
    expect((await call("GET", `/api/v1/broadcasts/${id}/unreached`)).body.hamlets.flatMap((g: { subscribers: unknown[] }) => g.subscribers)).toEqual([]);
  });
});
