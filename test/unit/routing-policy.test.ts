import { describe, expect, it } from "vitest";
import { planChannels, type IdentityFacts, type RecipientFacts } from "../../src/notifications/routing.js";

const now = new Date("2026-11-24T03:00:00Z");
const id = (channel: IdentityFacts["channel"], externalId: string, extra: Partial<IdentityFacts> = {}): IdentityFacts => ({
  channel,
  externalId,
  optedOut: false,
  reachable: true,
  lastInteractionAt: new Date(now.getTime() - 86400_000),
  ...extra,
});
const facts = (extra: Partial<RecipientFacts> = {}): RecipientFacts => ({ phone: "+84912345678", optedOut: false, preferredChannels: [], identities: [], ...extra });
const plan = (f: RecipientFacts, zns = true) => planChannels(f, { now, znsTemplateAvailable: zns }).map((p) => `${p.channel}:${p.recipient}`);

describe("channel routing policy", () => {
  it("orders Telegram, Zalo OA, ZNS, SMS by default", () => {
    expect(plan(facts({ identities: [id("ZALO_OA", "z1"), id("TELEGRAM", "t1")] }))).toEqual(["TELEGRAM:t1", "ZALO_OA:z1", "ZNS:+84912345678", "SMS:+84912345678"]);
  });

  it("reaches a phone-only citizen by ZNS then SMS, and by SMS alone without an approved template", () => {
    expect(plan(facts())).toEqual(["ZNS:+84912345678", "SMS:+84912345678"]);
    expect(plan(facts(), false)).toEqual(["SMS:+84912345678"]);
  });

  it("drops Zalo OA outside the 7-day interaction window, and unreachable chats", () => {
    const old = id("ZALO_OA", "z1", { lastInteractionAt: new Date(now.getTime() - 8 * 86400_000) });
    expect(plan(facts({ identities: [old, id("TELEGRAM", "t1", { reachable: false })] }))).toEqual(["ZNS:+84912345678", "SMS:+84912345678"]);
  });

  it("puts preferences first and lets opt-outs win", () => {
    expect(plan(facts({ preferredChannels: ["SMS"], identities: [id("TELEGRAM", "t1")] }))).toEqual(["SMS:+84912345678", "TELEGRAM:t1", "ZNS:+84912345678"]);
    expect(plan(facts({ identities: [id("TELEGRAM", "t1", { optedOut: true }), id("SMS", "+84912345678", { optedOut: true })] }))).toEqual(["ZNS:+84912345678"]);
    expect(plan(facts({ optedOut: true, identities: [id("TELEGRAM", "t1")] }))).toEqual([]);
  });

  it("has nothing to offer a citizen with neither a chat nor a phone", () => {
    expect(plan(facts({ phone: null }))).toEqual([]);
  });
});
