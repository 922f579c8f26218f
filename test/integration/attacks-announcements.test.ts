/**
 * A resident's and a careless operator's pass over urgent announcements, on the real PostgreSQL,
 * Redis, BullMQ worker and the fake providers: one person is told once per phone.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";
import { apiJson } from "../support/api-call.js";

const COMMUNE = "29955"; // Phường Hồng Ngự, Đồng Tháp

let s: NotifyStack;
let author: string;
let approver: string;
beforeAll(async () => {
  s = await startNotifyStack({ env: { RATE_LIMITS: "off", BROADCAST_TICK_MS: "300", PROVIDER_TIMEOUT_MS: "15000" } });
  author = (await s.ctx.apiKeys.create({ name: "Cán bộ soạn", role: "COMMUNE_STAFF", unitCode: COMMUNE })).key;
  approver = (await s.ctx.apiKeys.create({ name: "Cán bộ duyệt", role: "COMMUNE_STAFF", unitCode: COMMUNE })).key;
});
afterAll(() => s.close());

const call = (method: string, path: string, key: string, body?: unknown) => apiJson(s.baseUrl, method, path, key, body);

describe("one person, two chats", () => {
  it("an urgent announcement to a citizen whose Telegram chat blocked the bot and whose Zalo stopped following goes to their phone once, not once per chat", async () => {
    const phone = `+8491${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    const name = `Khóm Hai Kênh ${randomBytes(3).toString("hex")}`;
    const hamlet = await s.ctx.db.hamlet.create({ data: { communeCode: COMMUNE, name, searchName: name.toLowerCase() } });
    const citizen = await s.ctx.db.citizen.create({ data: { phone, fullName: "Lê Văn Hai" } });
    const identities = [
      { id: randomUUID(), channel: "TELEGRAM", externalId: String(8_200_000_000 + Math.floor(Math.random() * 1e8)) },
      { id: randomUUID(), channel: "ZALO_OA", externalId: `z${randomBytes(8).toString("hex")}` },
    ];
    for (const i of identities) {
      await s.ctx.pool.query(
        `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "citizenId", "displayName", "consentAt", reachable, "lastInteractionAt", "updatedAt")
         VALUES ($1, $2::"ChannelKind", $3, $4, 'Lê Văn Hai', now(), false, now(), now())`,
        [i.id, i.channel, i.externalId, citizen.id],
      );
      await s.ctx.pool.query(`INSERT INTO "Subscription" (id, kind, "identityId", "citizenId", "communeCode", "hamletId") VALUES (gen_random_uuid(), 'AREA', $1, $2, $3, $4)`, [
        i.id,
        citizen.id,
        COMMUNE,
        hamlet.id,
      ]);
    }

    const created = await call("POST", "/api/v1/broadcasts", author, { communeCode: COMMUNE, hamletIds: [hamlet.id], urgent: true, title: "Sạt lở bờ sông", body: "Di dời ngay khỏi khu vực bờ sông Tiền." });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // The preview counts one SMS for the one phone.
    expect(created.body.preview.recipients.byChannel.SMS).toBe(1);
    const id = created.body.id as string;
    expect((await call("POST", `/api/v1/broadcasts/${id}/send`, author)).body.status).toBe("AWAITING_APPROVAL");
    expect((await call("POST", `/api/v1/broadcasts/${id}/approve`, approver)).status).toBe(200);
    await s.waitFor(async () => ((await call("GET", `/api/v1/broadcasts/${id}`, author)).body.status === "SENT" ? true : null), `broadcast ${id} SENT`, 60_000);

    const smsNotices = await s.ctx.pool.query(`SELECT count(*)::int AS n FROM "Notice" WHERE "broadcastId" = $1 AND 'SMS' = ANY("channelPlan"::text[])`, [id]);
    expect(smsNotices.rows[0].n).toBe(1);
    expect(s.twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
  });
});
