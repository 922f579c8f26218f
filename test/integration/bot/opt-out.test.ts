/**
 * "HUY" in a chat stops every notice on it, and the bot says how to have a dossier's notices again:
 * look the dossier up and press "Nhận thông báo" (a one-time code to the applicant's phone). Over
 * the real pipeline (worker, fake Telegram), PostgreSQL and Redis.
 */
import { randomBytes, randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBot } from "../../../bots/bot.js";
import type { ConversationEngine } from "../../../bots/engine/engine.js";
import { botServices } from "../../support/app.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

let s: NotifyStack;
let engine: ConversationEngine;
beforeAll(async () => {
  s = await startNotifyStack();
  engine = createBot({ redis: s.ctx.redis, services: botServices(s.ctx), logger: s.ctx.logger, prefix: `oo${randomBytes(4).toString("hex")}` });
});
afterAll(() => s.close());

/** The first event's notice, sent before the test links a chat (else it may go to that chat). */
const receivedSettled = (dossierId: string) =>
  s.waitFor(async () => (await s.ctx.db.notice.count({ where: { dossierId, type: "RECEIVED", status: { in: ["DELIVERED", "SENT", "FAILED", "CANCELLED"] } } })) === 1, "the RECEIVED notice to settle");

describe("HUY, then announcements again", () => {
  it("a chat that opted out and later subscribes to its hamlet's announcements gets those, not its dossier notices back without asking (found by the attack pass)", async () => {
    const phone = `0913${String(randomInt(1_000_000)).padStart(6, "0")}`;
    const first = s.event({ applicant: { fullName: "Lý Thị Mai", phone } });
    expect((await s.post("/api/v1/dossier-events", first)).status).toBe(202);
    const dossier = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code: first.dossierCode as string } });
    await receivedSettled(dossier.id);
    // The chat, linked to the applicant as "Nhận thông báo" (its one-time code confirmed) leaves it.
    const chatId = String(6_000_000_000 + randomInt(1_000_000_000));
    await s.ctx.db.channelIdentity.create({ data: { channel: "TELEGRAM", externalId: chatId, citizenId: dossier.applicantId, consentAt: new Date(), lastInteractionAt: new Date() } });
    const say = (text: string) => engine.handle({ conversation: { channel: "TELEGRAM", id: chatId }, message: { kind: "text", text } });
    const press = (data: string) => engine.handle({ conversation: { channel: "TELEGRAM", id: chatId }, message: { kind: "button", data } });

    const stop = await say("HUY");
    expect(stop.at(-1)!.text).toMatch(/muốn nhận lại thông báo hồ sơ, hãy tra cứu hồ sơ và bấm "Nhận thông báo"/);
    // Later: the hamlet's announcements, and only those.
    await press("area");
    await say("Hồng Ngự");
    expect((await press("area-whole")).at(-1)!.text).toMatch(/^Đã đăng ký/);
    expect(await s.ctx.db.subscription.count({ where: { kind: "AREA", cancelledAt: null, identity: { channel: "TELEGRAM", externalId: chatId } } })).toBe(1);

    // The dossier moves: its notice reaches the citizen on the phone, not on the chat that said HUY.
    const next = s.event({ dossierCode: first.dossierCode, status: "RESULT_READY", occurredAt: new Date(Date.now() - 1000).toISOString(), applicant: { fullName: "Lý Thị Mai", phone } });
    expect((await s.post("/api/v1/dossier-events", next)).body).toMatchObject({ applied: true, notices: 1 });
    const notice = await s.waitFor(
      async () => {
        const n = await s.ctx.db.notice.findFirst({ where: { dossierId: dossier.id, type: "RESULT_READY" }, include: { attempts: true } });
        return n && ["DELIVERED", "SENT", "FAILED", "CANCELLED"].includes(n.status) ? n : null;
      },
      "the result's notice to settle",
    );
    expect(notice.attempts.map((a) => a.channel)).not.toContain("TELEGRAM");
    expect(s.telegram.sent.filter((m) => m.chatId === chatId)).toEqual([]);
  });
});

describe("HUY on Zalo", () => {
  it("stops the ZNS template messages Zalo shows the citizen too, until the citizen asks for a dossier's notices on Zalo again", async () => {
    const phone = `0914${String(randomInt(1_000_000)).padStart(6, "0")}`;
    const first = s.event({ applicant: { fullName: "Trần Văn Hậu", phone } });
    expect((await s.post("/api/v1/dossier-events", first)).status).toBe(202);
    const dossier = await s.ctx.db.dossier.findUniqueOrThrow({ where: { code: first.dossierCode as string }, include: { applicant: true } });
    await receivedSettled(dossier.id);
    const znsToPhone = () => s.zalo.messages.filter((m) => m.api === "zns" && m.phone === dossier.applicant.phone?.replace(/^\+/, "")).length;
    const znsBefore = znsToPhone();
    const userId = String(8_000_000_000 + randomInt(1_000_000_000));
    await s.ctx.db.channelIdentity.create({ data: { channel: "ZALO_OA", externalId: userId, citizenId: dossier.applicantId, consentAt: new Date(), lastInteractionAt: new Date() } });
    // typed on a full-width keyboard, it is still "HUY"
    const stop = await engine.handle({ conversation: { channel: "ZALO_OA", id: userId }, message: { kind: "text", text: "ＨＵＹ" } });
    expect(stop.at(-1)!.text).toMatch(/Đã ngừng gửi mọi thông báo tới ông\/bà qua kênh này/);

    const settled = (type: "SUPPLEMENT_REQUIRED" | "RESULT_READY") =>
      s.waitFor(
        async () => {
          const n = await s.ctx.db.notice.findFirst({ where: { dossierId: dossier.id, type }, include: { attempts: true } });
          return n && ["DELIVERED", "SENT", "FAILED", "CANCELLED"].includes(n.status) ? n : null;
        },
        `the ${type} notice to settle`,
      );
    const moved = s.event({ dossierCode: first.dossierCode, status: "SUPPLEMENT_REQUIRED", occurredAt: new Date(Date.now() - 2000).toISOString(), applicant: { fullName: "Trần Văn Hậu", phone } });
    expect((await s.post("/api/v1/dossier-events", moved)).body).toMatchObject({ applied: true, notices: 1 });
    const quiet = await settled("SUPPLEMENT_REQUIRED");
    expect(quiet.attempts.map((a) => a.channel)).not.toContain("ZALO_OA");
    expect(quiet.attempts.map((a) => a.channel)).not.toContain("ZNS");
    expect(quiet.attempts.map((a) => a.channel)).toContain("SMS");
    expect(znsToPhone()).toBe(znsBefore);

    // "Nhận thông báo" on Zalo again, its code confirmed: Zalo's messages, ZNS included, come back.
    await s.ctx.subscriptions.subscribeDossier({ id: dossier.id, applicantId: dossier.applicantId }, "ZALO_OA", userId, { purpose: "SUBSCRIBE", subject: dossier.id, conversation: `ZALO_OA:${userId}` });
    await s.ctx.db.channelIdentity.update({ where: { channel_externalId: { channel: "ZALO_OA", externalId: userId } }, data: { reachable: false } });
    const ready = s.event({ dossierCode: first.dossierCode, status: "RESULT_READY", occurredAt: new Date(Date.now() - 1000).toISOString(), applicant: { fullName: "Trần Văn Hậu", phone } });
    expect((await s.post("/api/v1/dossier-events", ready)).body).toMatchObject({ applied: true, notices: 1 });
    expect((await settled("RESULT_READY")).attempts.map((a) => a.channel)).toContain("ZNS");
  });
});

describe("stopping in words", () => {
  it("takes 'tôi không muốn nhận thông báo nữa' as HUY; 'hủy thông báo của xã' lists the announcements to cancel one; a complaint that none came stops nothing", async () => {
    const chatId = String(7_000_000_000 + randomInt(1_000_000_000));
    const say = (text: string) => engine.handle({ conversation: { channel: "TELEGRAM", id: chatId }, message: { kind: "text", text } });
    const identity = () => s.ctx.db.channelIdentity.findUnique({ where: { channel_externalId: { channel: "TELEGRAM", externalId: chatId } }, include: { subscriptions: { where: { cancelledAt: null } } } });
    await say("menu");
    await engine.handle({ conversation: { channel: "TELEGRAM", id: chatId }, message: { kind: "button", data: "area" } });
    await say("Hồng Ngự");
    expect((await engine.handle({ conversation: { channel: "TELEGRAM", id: chatId }, message: { kind: "button", data: "area-whole" } })).at(-1)!.text).toMatch(/^Đã đăng ký/);

    const complaint = await say("tôi không nhận được thông báo");
    expect(complaint.map((r) => r.text).join("\n")).not.toMatch(/Đã ngừng gửi/);
    const place = await say("hủy nhận thông báo của xã");
    expect(place.at(-1)!.text).toMatch(/^Ông\/bà đang nhận thông báo của:\n• Phường Hồng Ngự/);
    expect(place.at(-1)!.buttons!.flat().map((b) => b.label)).toContain("Hủy: Phường Hồng Ngự");
    expect((await identity())!.optedOutAt).toBeNull();
    expect((await identity())!.subscriptions).toHaveLength(1);

    for (const [i, words] of ["tôi không muốn nhận thông báo nữa", "ngung nhan thong bao", "đừng gửi tin nhắn nữa ạ"].entries()) {
      const stop = await say(words);
      expect(stop.at(-1)!.text, words).toMatch(/^Đã ngừng gửi mọi thông báo tới ông\/bà qua kênh này/);
      if (i === 0) {
        expect((await identity())!.optedOutAt).not.toBeNull();
        expect((await identity())!.subscriptions).toHaveLength(0);
      }
    }
  });
});
