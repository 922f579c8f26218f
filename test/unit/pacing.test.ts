import { describe, expect, it } from "vitest";
import { rateRules } from "../../src/notifications/notice-sender.js";

describe("pacing: the providers' limits each send takes a slot of", () => {
  it("Telegram: 30 a second for the bot and 1 a second per chat", () => {
    expect(rateRules("TELEGRAM", "12345", 10)).toEqual([
      { key: "telegram:chat:12345", limit: 1, windowMs: 1000 },
      { key: "telegram:all", limit: 30, windowMs: 1000 },
    ]);
  });

  it("Zalo: one per-app limit shared by OA messages and ZNS (4,000 a minute)", () => {
    expect(rateRules("ZALO_OA", "u1", 10)).toEqual([{ key: "zalo:app", limit: 4000, windowMs: 60_000 }]);
    expect(rateRules("ZNS", "84912345678", 10)).toEqual(rateRules("ZALO_OA", "u2", 10));
  });

  it("SMS: the sender's configured rate, never below one a second", () => {
    expect(rateRules("SMS", "+84912345678", 10)).toEqual([{ key: "twilio:sender", limit: 10, windowMs: 1000 }]);
    expect(rateRules("SMS", "+84912345678", 0.5)).toEqual([{ key: "twilio:sender", limit: 1, windowMs: 1000 }]);
  });
});
