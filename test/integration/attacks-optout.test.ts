/**
 * An attacker's pass over opt-outs: what a resident said "stop" to stays stopped at the moment a
 * message would go, not only when an announcement's notices were made.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNotifyStack, type NotifyStack } from "../support/notify-stack.js";
import { apiJson } from "../support/api-call.js";

const COMMUNE = "29955"; // Phường Hồng Ngự, Đồng Tháp

let s: NotifyStack;
let staff: string;
beforeAll(async () => {
  // No worker at first: the notices wait in the outbox as they do while a fan-out is under way.
  s = await startNotifyStack({ worker: false, env: { RATE_LIMITS: "off" } });
  staff = (await s.ctx.apiKeys.create({ name: "Cán bộ Hồng Ngự", role: "COMMUNE_STAFF", unitCode: COMMUNE })).key;
});
afterAll(() => s.close());

const call = (method: string, path: string, body?: unknown, key = staff) => apiJson(s.baseUrl, method, path, key, body);

describe("a phone that opted out of SMS after an urgent announcement's notices were made", () => {
  it("gets no SMS fallback (Twilio's STOP recorded meanwhile): the chat alone was the way, the message goes nowhere and no SMS is attempted", async () => {
    const approver = (await s.ctx.apiKeys.create({ name: "Cán bộ duyệt", role: "COMMUNE_STAFF", unitCode: COMMUNE })).key;
    const name = `Khóm Dừng ${randomBytes(3).toString("hex")}`;
    const h = await s.ctx.db.hamlet.create({ data: { communeCode: COMMUNE, name, searchName: name.toLowerCase() } });
    const phone = `+8491${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    const citizen = await s.ctx.db.citizen.create({ data: { phone, fullName: "Đặng Thị Dừng" } });
    const chatId = String(8_400_000_000 + Math.floor(Math.random() * 1e8));
    const identity = await s.ctx.db.channelIdentity.create({ data: { channel: "TELEGRAM", externalId: chatId, citizenId: citizen.id, consentAt: new Date(), reachable: true, lastInteractionAt: new Date() } });
    await s.ctx.db.subscription.create({ data: { kind: "AREA", identityId: identity.id, citizenId: citizen.id, communeCode: COMMUNE, hamletId: h.id } });
    const created = await call("POST", "/api/v1/broadcasts", { communeCode: COMMUNE, hamletIds: [h.id], urgent: true, title: "Bão", body: "Bão vào đêm nay, ở yên trong nhà." });
    const id = created.body.id as string;
    await call("POST", `/api/v1/broadcasts/${id}/send`);
    expect((await call("POST", `/api/v1/broadcasts/${id}/approve`, undefined, approver)).status).toBe(200);
    const notice = await s.ctx.db.notice.findFirstOrThrow({ where: { broadcastId: id } });
    expect(notice.channelPlan).toEqual(["TELEGRAM", "SMS"]);

    // Before a worker takes it: the resident blocked the bot (recorded on another message) and
    // replied STOP to an SMS (Twilio's 21610 on a dossier notice, recorded on the phone).
    await s.ctx.db.channelIdentity.update({ where: { id: identity.id }, data: { reachable: false } });
    await s.ctx.db.channelIdentity.create({ data: { channel: "SMS", externalId: phone, citizenId: citizen.id, optedOutAt: new Date() } });
    await s.startWorker();
    const done = await s.waitFor(async () => {
      const n = await s.ctx.db.notice.findUniqueOrThrow({ where: { id: notice.id } });
      return ["CANCELLED", "FAILED", "SENT", "DELIVERED", "UNCONFIRMED"].includes(n.status) ? n : null;
    }, "the notice settled");
    expect(s.twilio.messages.filter((m) => m.to === phone)).toEqual([]);
    expect(await s.ctx.db.noticeAttempt.count({ where: { noticeId: notice.id } })).toBe(0);
    expect(done.status).toBe("FAILED");
  });
});
