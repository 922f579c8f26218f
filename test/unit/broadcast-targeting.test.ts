import { describe, expect, it } from "vitest";
import { estimateCost, summarize, target, targetAll, type Subscriber } from "../../src/broadcasts/targeting.js";
import { broadcastNoticeText } from "../../src/notifications/messages/vi.js";
import { countSegments, fitSms } from "../../src/notifications/sms-text.js";

const now = new Date("2026-12-01T03:00:00Z");
const hours = (h: number) => new Date(now.getTime() - h * 3_600_000);
const sub = (over: Partial<Subscriber> = {}): Subscriber => ({
  identityId: "i",
  channel: "TELEGRAM",
  citizenId: null,
  hamletId: null,
  identityOptedOut: false,
  citizenOptedOut: false,
  reachable: true,
  lastInteractionAt: hours(1),
  phone: null,
  smsOptedOut: false,
  broadcastsLastDay: 0,
  ...over,
});
const normal = { urgent: false, now, zaloPerFollowerDay: 2 };
const urgent = { ...normal, urgent: true };

describe("who gets an announcement", () => {
  it("an urgent one sends one SMS per citizen: of two chats of one person, only one falls back to the phone", () => {
    const phone = "+84912345678";
    const both = [
      sub({ identityId: "tg", channel: "TELEGRAM", reachable: false, citizenId: "c", phone }),
      sub({ identityId: "za", channel: "ZALO_OA", reachable: false, citizenId: "c", phone }),
    ];
    // Both chats unreachable: one SMS, the other chat unreachable for its own reason.
    expect(targetAll(both, urgent)).toEqual([
      { kind: "send", plan: ["SMS"], zaloQuota: false },
      { kind: "unreachable", reason: "unfollowed" },
    ]);
    // One reachable chat: the SMS is its fallback, and the blocked chat sends nothing by SMS.
    expect(targetAll([both[0]!, { ...both[1]!, reachable: true }], urgent)).toEqual([
      { kind: "unreachable", reason: "blocked" },
      { kind: "send", plan: ["ZALO_OA", "SMS"], zaloQuota: false },
    ]);
    // Two people, two SMS; a normal announcement is untouched.
    expect(targetAll([both[0]!, { ...both[1]!, citizenId: "d", phone: "+84987654321" }], urgent).map((t) => t.kind === "send" && t.plan)).toEqual([["SMS"], ["SMS"]]);
    expect(targetAll(both, normal)).toEqual(both.map((b) => target(b, normal)));
  });

  it("goes on the channel the chat subscribed on; opt-outs are left out, not counted unreachable", () => {
    expect(target(sub(), normal)).toEqual({ kind: "send", plan: ["TELEGRAM"], zaloQuota: false });
    expect(target(sub({ identityOptedOut: true }), normal)).toEqual({ kind: "opted-out" });
    expect(target(sub({ citizenOptedOut: true, phone: "+84912345678" }), urgent)).toEqual({ kind: "opted-out" });
    expect(target(sub({ reachable: false }), normal)).toEqual({ kind: "unreachable", reason: "blocked" });
    expect(target(sub({ channel: "WEB" }), normal)).toEqual({ kind: "unreachable", reason: "no-push-channel" });
  });

  it("follows Zalo's rules: 48 hours free, up to 7 days on the OA's quota, never after; N a follower a day", () => {
    const zalo = (over: Partial<Subscriber>) => target(sub({ channel: "ZALO_OA", ...over }), normal);
    expect(zalo({ lastInteractionAt: hours(47) })).toEqual({ kind: "send", plan: ["ZALO_OA"], zaloQuota: false });
    expect(zalo({ lastInteractionAt: hours(49) })).toEqual({ kind: "send", plan: ["ZALO_OA"], zaloQuota: true });
    expect(zalo({ lastInteractionAt: hours(24 * 7 + 1) })).toEqual({ kind: "unreachable", reason: "zalo-window" });
    expect(zalo({ reachable: false })).toEqual({ kind: "unreachable", reason: "unfollowed" });
    expect(zalo({ broadcastsLastDay: 1 })).toMatchObject({ kind: "send" });
    expect(zalo({ broadcastsLastDay: 2 })).toEqual({ kind: "unreachable", reason: "zalo-daily-cap" });
  });

  it("an urgent one may also use SMS to a subscriber who gave a phone (after the chat, or alone), never to one who refused SMS", () => {
    expect(target(sub({ phone: "+84912345678" }), urgent)).toEqual({ kind: "send", plan: ["TELEGRAM", "SMS"], zaloQuota: false });
    expect(target(sub({ phone: "+84912345678", reachable: false }), urgent)).toEqual({ kind: "send", plan: ["SMS"], zaloQuota: false });
    expect(target(sub({ phone: "+84912345678", reachable: false, smsOptedOut: true }), urgent)).toEqual({ kind: "unreachable", reason: "blocked" });
    expect(target(sub({ phone: "+84912345678", reachable: false }), normal)).toEqual({ kind: "unreachable", reason: "blocked" });
  });

  it("sums recipients per first channel and estimates the cost", () => {
    const targets = [
      target(sub(), urgent),
      target(sub({ phone: "+84912345678" }), urgent),
      target(sub({ phone: "+84912345679", reachable: false }), urgent),
      target(sub({ channel: "ZALO_OA", lastInteractionAt: hours(72) }), urgent),
      target(sub({ channel: "ZALO_OA", reachable: false }), urgent),
      target(sub({ identityOptedOut: true }), urgent),
    ];
    const s = summarize(targets);
    expect(s).toMatchObject({ total: 5, byChannel: { TELEGRAM: 2, ZALO_OA: 1, SMS: 1 }, smsFallback: 1, unreachable: 1, optedOut: 1, zaloOutsideWindow: 1 });
    expect(s.unreachableByReason.unfollowed).toBe(1);
    expect(estimateCost(s, 2, { smsSegmentPrice: 850, zaloMessagePrice: 110 })).toEqual({ currency: "VND", sms: 1700, zalo: 110, total: 1810, smsIfAllFallBack: 1700 });
  });
});

describe("an announcement's texts", () => {
  const input = { title: "Tiêm chủng", body: "Sáng thứ Bảy tại trạm y tế.", communeName: "Phường Hồng Ngự", hamletNames: ["Khóm 1"], urgent: false, link: "https://x.vn/xa/29955" };

  it("reads in full on chat channels, without diacritics in the SMS", () => {
    const t = broadcastNoticeText(input);
    expect(t.chat).toBe("UBND Phường Hồng Ngự thông báo (gửi Khóm 1)\n\nTiêm chủng\n\nSáng thứ Bảy tại trạm y tế.\n\nXem các thông báo của xã/phường: https://x.vn/xa/29955");
    expect(fitSms(t.sms, 2)).toBe("UBND Phuong Hong Ngu: Tiem chung. Sang thu Bay tai tram y te. Xem: https://x.vn/xa/29955");
    expect(broadcastNoticeText({ ...input, urgent: true }).chat.startsWith("[KHẨN] UBND Phường Hồng Ngự")).toBe(true);
  });

  it("shortens a long body to the SMS budget and keeps the link", () => {
    const t = broadcastNoticeText({ ...input, body: "Nội dung rất dài ".repeat(100) });
    const sms = fitSms(t.sms, 2);
    expect(countSegments(sms).segments).toBeLessThanOrEqual(2);
    expect(sms.endsWith("Xem: https://x.vn/xa/29955")).toBe(true);
    expect(sms).toContain("...");
  });
});

describe("an announcement on Zalo", () => {
  it("fits Zalo's 2,000 characters by cutting the body at a word, keeping the link", () => {
    const body = "Thông tin chi tiết về lịch tiêm chủng ".repeat(60);
    const t = broadcastNoticeText({ title: "Lịch tiêm", body, communeName: "Phường Hồng Ngự", hamletNames: [], urgent: false, link: "https://x.vn/xa/29955" });
    expect(t.chat.length).toBeGreaterThan(2000);
    expect(t.zalo!.length).toBeLessThanOrEqual(2000);
    expect(t.zalo!.endsWith("Xem các thông báo của xã/phường: https://x.vn/xa/29955")).toBe(true);
    expect(t.zalo).toContain("chủng…");
    expect(broadcastNoticeText({ title: "a", body: "b", communeName: "c", hamletNames: [], urgent: false, link: null }).zalo).toBeUndefined();
  });
});
