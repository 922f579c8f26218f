/** The order an announcement's notices are queued in: each channel paced by its provider's limit. */
import { describe, expect, it } from "vitest";
import { paceByChannel } from "../../src/broadcasts/targeting.js";
import { channelRatePerSecond } from "../../src/notifications/notice-sender.js";

describe("paceByChannel", () => {
  it("merges the channels at their rates (the k-th of a channel at k / rate), each keeping its own order", () => {
    const items = ["t1", "t2", "t3", "z1", "z2", "z3", "z4", "z5", "z6"];
    const order = paceByChannel(items, (i) => i[0]!, (c) => (c === "t" ? 1 : 2));
    // t at 1, 2, 3 s; z at 0.5, 1, 1.5, 2, 2.5, 3 s; a tie keeps the input order.
    expect(order).toEqual(["z1", "t1", "z2", "z3", "t2", "z4", "z5", "t3", "z6"]);
  });

  it("puts a channel's notices in proportion to its rate in every stretch of the queue", () => {
    const items = [...Array.from({ length: 5000 }, (_, i) => `T${i}`), ...Array.from({ length: 5000 }, (_, i) => `Z${i}`)];
    const order = paceByChannel(items, (i) => i[0]!, (c) => (c === "T" ? 30 : 4000 / 60));
    expect(order).toHaveLength(items.length);
    expect(new Set(order).size).toBe(items.length);
    // The first 970 queued (about ten seconds' worth at 96.7/s): 300 Telegram, 670 Zalo (±1).
    const head = order.slice(0, 970);
    expect(Math.abs(head.filter((i) => i[0] === "T").length - 300)).toBeLessThanOrEqual(1);
    expect(order.filter((i) => i[0] === "Z")).toEqual(items.filter((i) => i[0] === "Z"));
  });

  it("leaves the order alone for a single channel, and puts a channel without a known rate first", () => {
    expect(paceByChannel(["a", "b", "c"], () => "x", () => 5)).toEqual(["a", "b", "c"]);
    expect(paceByChannel(["t1", "?1", "t2", "?2"], (i) => i[0]!, (c) => (c === "t" ? 1 : NaN))).toEqual(["?1", "?2", "t1", "t2"]);
  });
});

describe("channelRatePerSecond", () => {
  it("is each provider's limit shared by every recipient (not a per-chat one)", () => {
    expect(channelRatePerSecond("TELEGRAM", 10)).toBe(30);
    expect(channelRatePerSecond("ZALO_OA", 10)).toBeCloseTo(4000 / 60, 6);
    expect(channelRatePerSecond("ZNS", 10)).toBeCloseTo(4000 / 60, 6);
    expect(channelRatePerSecond("SMS", 10)).toBe(10);
  });
});
